package cli

import (
	"context"
	"fmt"

	"github.com/vltgw/vltgw/swss"
)

// openDB connects to the named database of the switch: database_config.json
// from --db-config (the built-in one when empty), its socket replaced by
// --socket when given.
func openDB(ctx context.Context, dbConfig, socket, name string) (*swss.DB, error) {
	cfg, err := swss.LoadDBConfig(dbConfig)
	if err != nil {
		return nil, err
	}
	if socket != "" {
		cfg = cfg.WithSocket(socket)
	}
	db, err := swss.Connect(ctx, cfg, name)
	if err != nil {
		return nil, fmt.Errorf("%w (is the switch's redis running? see --socket / --db-config)", err)
	}
	return db, nil
}
