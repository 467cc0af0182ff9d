// Command syncd applies the ASIC_DB ASIC_STATE queue to the platform through
// the HAL and keeps ASIC_DB true (see package syncd).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/syncd"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "syncd:", err)
		os.Exit(1)
	}
}

func run() error {
	dbConfig := flag.String("db-config", "", "SONiC database_config.json (default: the built-in one; redis socket and database ids)")
	redisSock := flag.String("redis-socket", "", "redis unix socket; overrides the one in -db-config")
	halAddr := flag.String("hal", halclient.DefaultSocket, "HAL address: a unix socket path, or host:port (TLS)")
	halCA := flag.String("hal-ca", "", "CA bundle to verify a TCP HAL (TLS)")
	halCert := flag.String("hal-cert", "", "client certificate for a TCP HAL (TLS)")
	halKey := flag.String("hal-key", "", "client key for a TCP HAL (TLS)")
	batch := flag.Int("batch", 1024, "queue items popped per batch")
	maxOps := flag.Int("max-write-ops", 16384, "ops per HAL Write at most")
	level := flag.String("log-level", "info", "zerolog level")
	flag.Parse()

	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		return err
	}
	log := zerolog.New(os.Stderr).Level(lvl).With().Timestamp().Str("daemon", "syncd").Logger()

	cfg, err := swss.LoadDBConfig(*dbConfig)
	if err != nil {
		return err
	}
	if *redisSock != "" {
		cfg = cfg.WithSocket(*redisSock)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	asicDB, err := swss.Connect(ctx, cfg, swss.AsicDB)
	if err != nil {
		return err
	}
	defer asicDB.Close()
	stateDB, err := swss.Connect(ctx, cfg, swss.StateDB)
	if err != nil {
		return err
	}
	defer stateDB.Close()
	asic, state := asicDB.Client, stateDB.Client

	halOpts := halclient.Options{Address: *halAddr, Client: "syncd", Logger: log}
	if *halCA != "" || *halCert != "" {
		cfg, err := tlsConfig(*halCA, *halCert, *halKey)
		if err != nil {
			return err
		}
		halOpts.TLS = cfg
	}
	s, err := syncd.New(syncd.Config{
		ASIC:        asic,
		State:       state,
		Queue:       syncd.NewRedisQueue(asic, asicDB.ID, syncd.AsicStateTable, *batch),
		Responder:   syncd.NewRedisProducer(asic, asicDB.ID, syncd.GetResponseTable),
		Notifier:    syncd.NewRedisNotifier(asic, syncd.NotificationsCh),
		HAL:         halOpts,
		Logger:      log,
		MaxWriteOps: *maxOps,
	})
	if err != nil {
		return err
	}
	if err := s.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func tlsConfig(ca, cert, key string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no certificates", ca)
		}
		cfg.RootCAs = pool
	}
	if cert != "" {
		c, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{c}
	}
	return cfg, nil
}
