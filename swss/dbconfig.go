package swss

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Names of the logical databases vltgw uses.
const (
	ApplDB     = "APPL_DB"
	AsicDB     = "ASIC_DB"
	CountersDB = "COUNTERS_DB"
	ConfigDB   = "CONFIG_DB"
	StateDB    = "STATE_DB"
)

//go:embed database_config.json
var defaultDBConfig []byte

// DefaultDBConfigJSON returns the shipped database_config.json.
func DefaultDBConfigJSON() []byte { return append([]byte(nil), defaultDBConfig...) }

// Instance is one redis-server of database_config.json.
type Instance struct {
	Hostname       string `json:"hostname"`
	Port           int    `json:"port"`
	UnixSocketPath string `json:"unix_socket_path"`
}

// DBInfo describes one logical database.
type DBInfo struct {
	Name      string `json:"-"`
	ID        int    `json:"id"`
	Separator string `json:"separator"`
	Instance  string `json:"instance"`
}

// DBConfig is a parsed SONiC database_config.json.
type DBConfig struct {
	Instances map[string]Instance `json:"INSTANCES"`
	Databases map[string]DBInfo   `json:"DATABASES"`
}

// ParseDBConfig parses and checks a database_config.json document.
func ParseDBConfig(data []byte) (*DBConfig, error) {
	var c DBConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("database_config.json: %w", err)
	}
	if len(c.Databases) == 0 {
		return nil, fmt.Errorf("database_config.json: no DATABASES")
	}
	for name, db := range c.Databases {
		if db.Separator == "" {
			return nil, fmt.Errorf("database_config.json: DATABASES.%s: field separator: empty", name)
		}
		if db.ID < 0 || db.ID > 15 {
			return nil, fmt.Errorf("database_config.json: DATABASES.%s: field id: %d outside 0-15", name, db.ID)
		}
		if _, ok := c.Instances[db.Instance]; !ok {
			return nil, fmt.Errorf("database_config.json: DATABASES.%s: field instance: unknown instance %q", name, db.Instance)
		}
		db.Name = name
		c.Databases[name] = db
	}
	return &c, nil
}

// LoadDBConfig reads a database_config.json file; an empty path means the
// shipped default.
func LoadDBConfig(path string) (*DBConfig, error) {
	if path == "" {
		return DefaultDBConfig(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("database config: %w", err)
	}
	return ParseDBConfig(data)
}

// DefaultDBConfig returns the shipped configuration (one instance on
// /var/run/redis/redis.sock).
func DefaultDBConfig() *DBConfig {
	c, err := ParseDBConfig(defaultDBConfig)
	if err != nil {
		panic("swss: embedded database_config.json is invalid: " + err.Error()) // a build defect, caught by tests
	}
	return c
}

// WithSocket returns a copy whose every instance uses the given unix socket:
// the lab and the tests run one redis-server per switch on a private socket.
func (c *DBConfig) WithSocket(path string) *DBConfig {
	n := &DBConfig{Instances: map[string]Instance{}, Databases: map[string]DBInfo{}}
	for k, v := range c.Instances {
		v.UnixSocketPath = path
		n.Instances[k] = v
	}
	for k, v := range c.Databases {
		n.Databases[k] = v
	}
	return n
}

// WithAddr returns a copy whose every instance is reached over TCP at
// host:port instead of a unix socket.
func (c *DBConfig) WithAddr(host string, port int) *DBConfig {
	n := c.WithSocket("")
	for k, v := range n.Instances {
		v.Hostname, v.Port = host, port
		n.Instances[k] = v
	}
	return n
}

// DB returns the description of a logical database.
func (c *DBConfig) DB(name string) (DBInfo, error) {
	db, ok := c.Databases[name]
	if !ok {
		names := make([]string, 0, len(c.Databases))
		for n := range c.Databases {
			names = append(names, n)
		}
		sort.Strings(names)
		return DBInfo{}, fmt.Errorf("database %q not in database_config.json (have %v)", name, names)
	}
	return db, nil
}
