// Command pgwlldpd exchanges the VLT proxy-gateway LLDP TLV on the members
// of each domain's peer-domain link and publishes the learned remote MACs
// (see package lldp/daemon).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/lldp/daemon"
	"github.com/vltgw/vltgw/swss"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pgwlldpd:", err)
		os.Exit(1)
	}
}

func run() error {
	dbConfig := flag.String("db-config", "", "SONiC database_config.json (default: the built-in one)")
	redisSock := flag.String("redis-socket", "", "redis unix socket; overrides the one in -db-config")
	halAddr := flag.String("hal", halclient.DefaultSocket, "HAL unix socket")
	level := flag.String("log-level", "info", "zerolog level")
	shutdownOnStop := flag.Bool("shutdown-on-stop", false, "send shutdown LLDPDUs (TTL 0) when the daemon stops, so the other domain withdraws our MACs at once (default: only when the feature is disabled; a restart keeps them proxied)")
	flag.Parse()
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return err
	}
	log := zerolog.New(os.Stderr).Level(lvl).With().Timestamp().Str("daemon", "pgwlldpd").Logger()
	cfg, err := swss.LoadDBConfig(*dbConfig)
	if err != nil {
		return err
	}
	if *redisSock != "" {
		cfg = cfg.WithSocket(*redisSock)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	err = daemon.Run(ctx, daemon.Options{DBConfig: cfg, HAL: halclient.Options{Address: *halAddr, Logger: log}, Log: log, ShutdownOnStop: *shutdownOnStop})
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
