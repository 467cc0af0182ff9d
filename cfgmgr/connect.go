package cfgmgr

import (
	"context"
	"errors"

	"github.com/vltgw/vltgw/swss"
)

// Connect opens CONFIG_DB, APPL_DB and STATE_DB of dbcfg and returns a
// Daemon over them (cfg's Source, App and Errors are filled in) and a
// function that closes the connections after Run returns.
func Connect(ctx context.Context, dbcfg *swss.DBConfig, cfg DaemonConfig) (*Daemon, func() error, error) {
	var dbs []*swss.DB
	closeAll := func() error {
		var errs []error
		for _, db := range dbs {
			errs = append(errs, db.Close())
		}
		return errors.Join(errs...)
	}
	open := func(name string) (*swss.DB, error) {
		db, err := swss.Connect(ctx, dbcfg, name)
		if err == nil {
			dbs = append(dbs, db)
		}
		return db, err
	}
	config, err := open(swss.ConfigDB)
	if err != nil {
		return nil, nil, err
	}
	appl, err := open(swss.ApplDB)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	state, err := open(swss.StateDB)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	cfg.Source = NewConfigSource(config, cfg.Logger)
	cfg.App = NewRedisAppStore(appl)
	cfg.Errors = NewRedisErrorStore(state)
	d, err := NewDaemon(cfg)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return d, closeAll, nil
}
