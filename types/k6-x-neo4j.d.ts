// Type declarations for the k6/x/neo4j module of xk6-neo4j, so editors complete scripts.
// Use: add this file to your editor's project (tsconfig "files"/"include", or a
// `/// <reference path="types/k6-x-neo4j.d.ts" />` line at the top of a script).

declare module 'k6/x/neo4j' {
  /** Milliseconds as a number, or a duration string such as "500ms", "5s"; from 0 to 24h. */
  export type DurationLike = number | string;

  /** Basic login (the same as connect()'s user and password). */
  export interface BasicAuth { scheme: 'basic'; /** Default "neo4j". */ user?: string; password?: string; realm?: string; }
  /** A single sign-on token (Enterprise with an OIDC provider; Community refuses it). */
  export interface BearerAuth { scheme: 'bearer'; token: string; }
  /** A base64 Kerberos ticket (Enterprise with the Kerberos plugin). */
  export interface KerberosAuth { scheme: 'kerberos'; ticket: string; }
  /** No login: for a server with dbms.security.auth_enabled=false. */
  export interface NoAuth { scheme: 'none'; }
  /** A login for a server-side auth plugin. */
  export interface CustomAuth {
    scheme: 'custom';
    principal?: string;
    credentials?: string;
    realm?: string;
    parameters?: Record<string, unknown>;
    /** The scheme name sent to the server's plugin; default "custom". */
    customScheme?: string;
  }
  /**
   * How a client logs in. The identity (in tags, messages and `identity`) is user@host:port
   * for basic, bearer@, kerberos@ or none@host:port, custom:principal@host:port; the
   * password, token, ticket, credentials and parameters are never shown anywhere.
   */
  export type Auth = BasicAuth | BearerAuth | KerberosAuth | NoAuth | CustomAuth;

  export interface ConnectOptions {
    /** User name; default "neo4j". Not together with `auth`. */
    user?: string;
    /** Never shown in any message, whatever its type; each password is its own pool entry. Not together with `auth`. */
    password?: string;
    /** Another login than user and password; each scheme, principal and secret is its own pool entry. */
    auth?: Auth;
    /** The user every session of this client acts as (Enterprise; Community refuses it). */
    impersonatedUser?: string;
    /**
     * "vu" (default): each of the VU's sessions chains its own bookmarks. "shared": one
     * bookmark manager per identity, so a VU reads what any VU wrote. "none": no bookmarks,
     * a new session per call.
     */
    bookmarks?: 'vu' | 'shared' | 'none';
    /** Default database of this client; default "neo4j". */
    database?: string;
    /** Connections per server in the shared driver; default 100. */
    maxConnectionPoolSize?: number;
    /**
     * How long a call waits for a connection: "pool_exhausted" when every connection of the
     * pool was busy, "timeout" when the server did not answer the dial or handshake in time;
     * also bounds connect() itself (code "timeout"); default 10s.
     */
    connectionAcquisitionTimeout?: DurationLike;
    /** TCP connect timeout; default 5s. */
    connectionTimeout?: DurationLike;
    /** How long read/write/readTx/writeTx retry transient errors; default 5s. */
    maxTransactionRetryTime?: DurationLike;
    /** Connections older than this are replaced; default 1h. */
    maxConnectionLifetime?: DurationLike;
    /** Records per batch; -1 fetches all at once; default 1000. */
    fetchSize?: number;
    userAgent?: string;
    /** PEM file of CAs to trust, for bolt+s:// and neo4j+s://. */
    caFile?: string;
    /**
     * How often this identity's server sampler reads the server's metrics (neo4j_server_*:
     * CPU, heap, GC, threads, running transactions); at least 100ms; 0 or false (default): off.
     */
    serverMetrics?: DurationLike | false;
    /** Share of this client's calls (0 to 1) run as PROFILE, adding neo4j_db_hits and neo4j_rows; default 0. */
    profile?: number;
  }

  export interface CallOptions {
    /**
     * Tags on this call's samples; `name` names the query in metrics and the summary (kept as
     * written; without one, the query text with its literals replaced by `?`, cut at 60).
     */
    tags?: { name?: string; [tag: string]: string | undefined };
    /** Database for this call, instead of the client's. */
    database?: string;
    /** Transaction timeout (also bounds the call on the client). */
    timeout?: DurationLike;
    /** Transaction metadata, visible in SHOW TRANSACTIONS. */
    metadata?: Record<string, unknown>;
    /** The user this call acts as, instead of connect()'s (Enterprise; Community refuses it). */
    impersonatedUser?: string;
    /** Share of such calls (0 to 1) run as PROFILE, instead of connect()'s. */
    profile?: number;
  }

  export interface RunOptions extends CallOptions {
    /** The auto-commit session's access mode: "read" routes to readers on neo4j://; default "write". */
    accessMode?: 'read' | 'write';
  }

  export interface Counters {
    nodesCreated: number; nodesDeleted: number;
    relationshipsCreated: number; relationshipsDeleted: number;
    propertiesSet: number; labelsAdded: number; labelsRemoved: number;
    indexesAdded: number; indexesRemoved: number;
    constraintsAdded: number; constraintsRemoved: number;
    systemUpdates: number; containsUpdates: boolean;
  }

  export interface ResultSummary {
    counters: Counters;
    /** "r", "rw", "w" or "s" (schema). */
    queryType: string;
    database: string;
    /** host:port of the server that ran the query. */
    server: string;
    /** Server-side milliseconds until the first record was available. */
    resultAvailableAfter: number;
    /** Server-side milliseconds to stream all records. */
    resultConsumedAfter: number;
  }

  export interface Result<R = Record<string, Value>> {
    /** One plain object per record, keyed by column. */
    records: R[];
    keys: string[];
    count: number;
    /** Milliseconds from the call to the last record consumed. */
    duration: number;
    summary: ResultSummary;
  }

  export interface Node { elementId: string; labels: string[]; properties: Record<string, Value>; }
  export interface Relationship {
    elementId: string; type: string; startNodeElementId: string; endNodeElementId: string;
    properties: Record<string, Value>;
  }
  export interface Path { nodes: Node[]; relationships: Relationship[]; }

  export interface Date { year: number; month: number; day: number; toString(): string; }
  export interface LocalTime { hour: number; minute: number; second: number; nanosecond: number; toString(): string; }
  export interface Time extends LocalTime { offsetSeconds: number; }
  export interface LocalDateTime extends Date, LocalTime { toString(): string; }
  export interface DateTime extends LocalDateTime {
    offsetSeconds: number;
    /** The zone id ("Europe/Berlin"), or "" for a value with an offset only. */
    timeZoneId: string;
  }
  export interface Duration { months: number; days: number; seconds: number; nanoseconds: number; toString(): string; }
  export interface Point2D { srid: number; x: number; y: number; toString(): string; }
  export interface Point3D extends Point2D { z: number; }
  /** A number that is sent as a Cypher FLOAT even when integral. */
  export interface Float { value: number; }

  /**
   * What records hold. Integers beyond 2^53-1 arrive as bigint; byte arrays as ArrayBuffer.
   */
  export type Value =
    | null | boolean | number | bigint | string | ArrayBuffer
    | Value[] | { [key: string]: Value }
    | Node | Relationship | Path
    | Date | LocalTime | Time | LocalDateTime | DateTime | Duration | Point2D | Point3D;

  /**
   * What parameters take: the values above, plus JS Dates (not an Invalid Date), typed arrays
   * and neo4j.float(). At most 1000 levels of nesting and 256 MiB per call.
   */
  export type Param =
    | Value | globalThis.Date | Uint8Array | Int8Array | Int16Array | Int32Array | Uint16Array | Uint32Array
    | Float32Array | Float64Array | BigInt64Array | BigUint64Array | Float | Param[] | { [key: string]: Param } | undefined;

  export interface Transaction {
    /** Only `tags` here: database, timeout, metadata and impersonatedUser belong on readTx/writeTx. */
    run<R = Record<string, Value>>(cypher: string, params?: Record<string, Param>, options?: Pick<CallOptions, 'tags' | 'profile'>): Result<R>;
  }

  export interface Client {
    /** A managed read transaction, retried on transient errors. */
    read<R = Record<string, Value>>(cypher: string, params?: Record<string, Param>, options?: CallOptions): Result<R>;
    /** A managed write transaction, retried on transient errors. */
    write<R = Record<string, Value>>(cypher: string, params?: Record<string, Param>, options?: CallOptions): Result<R>;
    /** An auto-commit query (CALL {} IN TRANSACTIONS, schema changes). Not retried. */
    run<R = Record<string, Value>>(cypher: string, params?: Record<string, Param>, options?: RunOptions): Result<R>;
    /** Several queries in one read transaction; fn runs again from the start on retry. */
    readTx<T>(fn: (tx: Transaction) => T, options?: CallOptions): T;
    /** Several queries in one write transaction; fn runs again from the start on retry. */
    writeTx<T>(fn: (tx: Transaction) => T, options?: CallOptions): T;
    /**
     * Ends this client (later calls throw, code "usage") and closes its sessions. The VU keeps
     * the identity's driver until it ends, so connect() again costs no new driver or login.
     */
    close(): void;
    /** user@host:port for basic auth; bearer@, kerberos@, none@ or custom:principal@host:port otherwise. */
    readonly identity: string;
    readonly database: string;
  }

  /** The exception a failed call throws. */
  export interface Neo4jError extends Error {
    name: 'Neo4jError';
    /** Neo4j status code, or "connectivity", "timeout", "pool_exhausted", "tls", "usage", "canceled". */
    code: string;
  }

  /**
   * A client for one identity; call in the init context. All VUs share one driver per identity
   * and password. Called again in the same VU for the same identity, password and database
   * (in init or in every iteration), it returns a client on the VU's existing connection.
   */
  export function connect(uri: string, options?: ConnectOptions): Client;
  /** A 64-bit integer from a whole number, bigint or decimal string, as a bigint; throws beyond 64 bits. */
  function int(value: number | bigint | string): bigint;
  /** Forces a Cypher FLOAT. */
  function float(value: number): Float;
  export { int, float };

  export const types: {
    date(year: number, month: number, day: number): Date;
    localTime(hour: number, minute: number, second?: number, nanosecond?: number): LocalTime;
    time(hour: number, minute: number, second: number, nanosecond: number, offsetSeconds: number): Time;
    localDateTime(year: number, month: number, day: number, hour?: number, minute?: number, second?: number, nanosecond?: number): LocalDateTime;
    dateTime(year: number, month: number, day: number, hour: number, minute: number, second: number,
             nanosecond: number, offsetSeconds: number, timeZoneId?: string): DateTime;
    duration(parts: { months?: number; days?: number; seconds?: number; nanoseconds?: number }): Duration;
    /** srid 7203 cartesian, 9157 cartesian-3d, 4326 WGS-84, 4979 WGS-84-3d. */
    point(srid: number, x: number, y: number, z?: number): Point2D | Point3D;
  };

  const neo4j: {
    connect: typeof connect;
    int: typeof int;
    float: typeof float;
    types: typeof types;
  };
  export default neo4j;
}
