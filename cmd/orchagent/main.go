// Command orchagent turns APP_DB intent into SAI objects in ASIC_DB for
// syncd (see package orchagent).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/swss"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "orchagent:", err)
		os.Exit(1)
	}
}

func run() error {
	dbConfig := flag.String("db-config", "", "SONiC database_config.json (default: the built-in one)")
	redisSock := flag.String("redis-socket", "", "redis unix socket; overrides the one in -db-config")
	macFlag := flag.String("mac", "", "switch MAC (default: CONFIG_DB DEVICE_METADATA|localhost mac, else the platform's)")
	timeout := flag.Duration("timeout", 60*time.Second, "how long to wait for a syncd reply")
	level := flag.String("log-level", "info", "zerolog level")
	flag.Parse()

	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return err
	}
	log := zerolog.New(os.Stderr).Level(lvl).With().Timestamp().Str("daemon", "orchagent").Logger()
	var mac net.HardwareAddr
	if *macFlag != "" {
		if mac, err = net.ParseMAC(*macFlag); err != nil || len(mac) != 6 {
			return fmt.Errorf("-mac %q is not a MAC address", *macFlag)
		}
	}
	cfg, err := swss.LoadDBConfig(*dbConfig)
	if err != nil {
		return err
	}
	if *redisSock != "" {
		cfg = cfg.WithSocket(*redisSock)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	agent, closeAll, err := orchagent.OpenRedis(ctx, orchagent.RedisOptions{DBConfig: cfg, MAC: mac, Timeout: *timeout, Logger: log})
	if err != nil {
		return err
	}
	defer closeAll()
	return agent.Run(ctx)
}
