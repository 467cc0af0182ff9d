package cli

import "github.com/redis/go-redis/v9"

// openDB is replaced by the swss connectors once they land.
func openDB(dbConfig, socket, name string) (*redis.Client, string, error) {
	ids := map[string]int{"APPL_DB": 0, "ASIC_DB": 1, "COUNTERS_DB": 2, "CONFIG_DB": 4, "STATE_DB": 6}
	sep := ":"
	if name == "CONFIG_DB" || name == "STATE_DB" {
		sep = "|"
	}
	if socket == "" {
		socket = "/var/run/redis/redis.sock"
	}
	return redis.NewClient(&redis.Options{Network: "unix", Addr: socket, DB: ids[name]}), sep, nil
}
