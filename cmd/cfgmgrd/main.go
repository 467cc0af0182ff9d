// Command cfgmgrd turns CONFIG_DB into APP_DB (see package cfgmgr): it
// validates every row, writes the valid ones with ProducerStateTable and
// reports the rejected ones in STATE_DB CFG_ERROR_TABLE.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/cfgmgr"
	"github.com/vltgw/vltgw/swss"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cfgmgrd:", err)
		os.Exit(1)
	}
}

func run() error {
	dbConfig := flag.String("db-config", "", "SONiC database_config.json (default: the built-in one)")
	redisSock := flag.String("redis-socket", "", "redis unix socket; overrides the one in -db-config")
	level := flag.String("log-level", "info", "zerolog level")
	flag.Parse()

	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return err
	}
	log := zerolog.New(os.Stderr).Level(lvl).With().Timestamp().Str("daemon", "cfgmgrd").Logger()
	dbcfg, err := swss.LoadDBConfig(*dbConfig)
	if err != nil {
		return err
	}
	if *redisSock != "" {
		dbcfg = dbcfg.WithSocket(*redisSock)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	d, closeDBs, err := cfgmgr.Connect(ctx, dbcfg, cfgmgr.DaemonConfig{Logger: log})
	if err != nil {
		return err
	}
	defer closeDBs()
	err = d.Run(ctx)
	log.Info().Err(err).Msg("stopped")
	return err
}
