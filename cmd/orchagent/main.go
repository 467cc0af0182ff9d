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
	"github.com/vltgw/vltgw/orchagent/pgworch"
	"github.com/vltgw/vltgw/orchagent/vltisolation"
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
	myMACCap := flag.Int("my-mac-capacity", 0, "MY_MAC table capacity for CRM_TABLE|my_mac (0: ask the platform at -hal, else learn it from TABLE_FULL)")
	halSock := flag.String("hal", "", "platform HAL socket, read once at start for the MY_MAC capacity (empty: not asked)")
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
	pgw := pgworch.Options{Capacity: *myMACCap}
	if pgw.Capacity == 0 && *halSock != "" {
		hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if pgw.Capacity, err = pgworch.PlatformCapacity(hctx, *halSock); err != nil {
			log.Warn().Err(err).Msg("MY_MAC capacity unknown; CRM_TABLE|my_mac learns it from TABLE_FULL")
		}
		cancel()
	}
	agent, closeAll, err := orchagent.OpenRedis(ctx, orchagent.RedisOptions{DBConfig: cfg, MAC: mac, Timeout: *timeout, Logger: log,
		Extra: []orchagent.OrchFactory{vltisolation.Beside(pgworch.Factory(pgw))}})
	if err != nil {
		return err
	}
	defer closeAll()
	return agent.Run(ctx)
}
