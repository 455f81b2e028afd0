package neo4j

// queryInfos returns each named query's plan and profile, as learned so far.
func (r *RootModule) queryInfos() map[string]*QueryInfo { return map[string]*QueryInfo{} }
