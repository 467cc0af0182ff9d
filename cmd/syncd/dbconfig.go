package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// dbs is what syncd needs from database_config.json (read here until the
// swss package provides it).
type dbs struct {
	socket      string
	asic, state int
}

func defaultDBs() dbs { return dbs{socket: "/var/run/redis/redis.sock", asic: 1, state: 6} }

func loadDBConfig(path string) (dbs, error) {
	var cfg struct {
		Instances map[string]struct {
			UnixSocketPath string `json:"unix_socket_path"`
		} `json:"INSTANCES"`
		Databases map[string]struct {
			ID       int    `json:"id"`
			Instance string `json:"instance"`
		} `json:"DATABASES"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return dbs{}, fmt.Errorf("db config: %w", err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return dbs{}, fmt.Errorf("db config %s: %w", path, err)
	}
	asic, ok1 := cfg.Databases["ASIC_DB"]
	state, ok2 := cfg.Databases["STATE_DB"]
	if !ok1 || !ok2 {
		return dbs{}, fmt.Errorf("db config %s: ASIC_DB and STATE_DB required", path)
	}
	inst, ok := cfg.Instances[asic.Instance]
	if !ok || inst.UnixSocketPath == "" {
		return dbs{}, fmt.Errorf("db config %s: instance %q has no unix_socket_path", path, asic.Instance)
	}
	return dbs{socket: inst.UnixSocketPath, asic: asic.ID, state: state.ID}, nil
}
