package neo4j

// serverInfos returns the servers learned so far, in the order first connected.
func (r *RootModule) serverInfos() []ServerInfo { return []ServerInfo{} }

// noteServer reads which server the lease's identity and database reach, once per identity
// and database for the run.
func (r *RootModule) noteServer(lease *Lease, target Target, database string) {}
