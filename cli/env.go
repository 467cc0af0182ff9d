package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/vltgw/vltgw/swss"
)

// Output formats.
const (
	OutputText = "text"
	OutputJSON = "json"
)

// Env is what a command runs with: output streams and format, and the
// databases of the switch chosen by the global flags (opened on first use).
type Env struct {
	Stdout, Stderr io.Writer
	// Output is "text" or "json" (-o).
	Output string
	// DBConfig is the SONiC database_config.json (--db-config); empty means
	// the default one.
	DBConfig string
	// Socket overrides the redis unix socket (--socket).
	Socket string

	stores map[string]*store
}

func (e *Env) globalFlags(fs *flag.FlagSet) {
	fs.StringVar(&e.DBConfig, "db-config", "", "SONiC database_config.json (default: the built-in one)")
	fs.StringVar(&e.Socket, "socket", "", "redis unix socket of the switch (overrides the one in --db-config)")
	fs.StringVar(&e.Output, "o", OutputText, "output format: text or json")
}

func (e *Env) checkOutput() error {
	if e.Output != OutputText && e.Output != OutputJSON {
		return fmt.Errorf("%w: -o %q: want text or json", ErrUsage, e.Output)
	}
	return nil
}

// JSON reports whether -o json was given.
func (e *Env) JSON() bool { return e.Output == OutputJSON }

// DB returns the named database of the switch (swss.ConfigDB,
// swss.ApplDB, swss.StateDB, …), connected on first use and closed when the
// command ends; for commands that other packages add.
func (e *Env) DB(ctx context.Context, name string) (*swss.DB, error) {
	s, err := e.store(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.db, nil
}

func (e *Env) store(ctx context.Context, name string) (*store, error) {
	if s, ok := e.stores[name]; ok {
		return s, nil
	}
	db, err := openDB(ctx, e.DBConfig, e.Socket, name)
	if err != nil {
		return nil, err
	}
	if e.stores == nil {
		e.stores = map[string]*store{}
	}
	s := &store{name: name, db: db, rdb: db.Client, sep: db.Separator}
	e.stores[name] = s
	return s, nil
}

// Close closes the opened databases.
func (e *Env) Close() error {
	var errs []error
	for _, s := range e.stores {
		errs = append(errs, s.db.Close())
	}
	e.stores = nil
	return errors.Join(errs...)
}
