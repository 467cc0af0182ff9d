package swss

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// DB is a connector to one logical database: its name, number, key
// separator and a go-redis client selected on it.
type DB struct {
	Name      string
	ID        int
	Separator string
	Client    *redis.Client
}

// Connect opens the named database of cfg (unix socket when configured,
// else TCP) and checks it answers.
func Connect(ctx context.Context, cfg *DBConfig, name string) (*DB, error) {
	info, err := cfg.DB(name)
	if err != nil {
		return nil, err
	}
	inst := cfg.Instances[info.Instance]
	opts := &redis.Options{DB: info.ID, MaxRetries: 2}
	if inst.UnixSocketPath != "" {
		opts.Network, opts.Addr = "unix", inst.UnixSocketPath
	} else {
		opts.Network, opts.Addr = "tcp", inst.Hostname+":"+strconv.Itoa(inst.Port)
	}
	c := redis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect %s (db %d at %s): %w", name, info.ID, opts.Addr, err)
	}
	return &DB{Name: name, ID: info.ID, Separator: info.Separator, Client: c}, nil
}

// ConnectSocket opens the named database of the shipped default
// configuration on the redis-server listening on socket (tests, the lab).
func ConnectSocket(ctx context.Context, socket, name string) (*DB, error) {
	return Connect(ctx, DefaultDBConfig().WithSocket(socket), name)
}

// NewDB wraps an existing client (already selected on database id).
func NewDB(client *redis.Client, name string, id int, separator string) *DB {
	return &DB{Name: name, ID: id, Separator: separator, Client: client}
}

// Close closes the client.
func (d *DB) Close() error { return d.Client.Close() }

// channelName is swss-common's table channel: "<T>_CHANNEL@<db id>".
func (d *DB) channelName(table string) string {
	return table + "_CHANNEL@" + strconv.Itoa(d.ID)
}

// updateNotification is the payload published on a table channel.
const updateNotification = "G"
