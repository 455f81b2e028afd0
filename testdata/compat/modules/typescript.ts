// note: a .ts script runs with its types stripped.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
interface Item { id: number }
const items: Item[] = [{ id: 1 }];
export default function (): void { check(items, { 'typed': (i: Item[]) => i[0].id === 1 }); }

