package orchagent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	"github.com/vltgw/vltgw/swss"
)

// RedisOptions says how to run an Agent against the SONiC databases.
type RedisOptions struct {
	DBConfig *swss.DBConfig
	// MAC overrides the switch MAC; when nil, CONFIG_DB
	// DEVICE_METADATA|localhost mac is read once at start, and when that is
	// absent the platform's MAC is kept.
	MAC       net.HardwareAddr
	Timeout   time.Duration // syncd reply timeout (default 60s)
	Logger    zerolog.Logger
	Clock     Clock
	Extra     []OrchFactory
	OnSettled func(pending int)
}

// OpenRedis connects the databases and builds an Agent; close releases the
// connections once Run has returned.
func OpenRedis(ctx context.Context, o RedisOptions) (a *Agent, closeFn func(), err error) {
	var closers []func() error
	closeFn = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			closeFn()
		}
	}()
	connect := func(name string) (*swss.DB, error) {
		db, err := swss.Connect(ctx, o.DBConfig, name)
		if err == nil {
			closers = append(closers, db.Close)
		}
		return db, err
	}
	app, err := connect(swss.ApplDB)
	if err != nil {
		return nil, nil, err
	}
	asic, err := connect(swss.AsicDB)
	if err != nil {
		return nil, nil, err
	}
	state, err := connect(swss.StateDB)
	if err != nil {
		return nil, nil, err
	}
	mac := o.MAC
	if mac == nil {
		if mac, err = configMAC(ctx, o.DBConfig); err != nil {
			return nil, nil, err
		}
	}
	// Subscribe to NOTIFICATIONS before anything else so no port change
	// is missed between the initial oper status and the first event.
	ntf, err := swss.NewNotificationConsumer(ctx, asic, sairedis.NotificationsCh, swss.WithLogger(o.Logger))
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, ntf.Close)
	client, err := sairedis.Open(ctx, asic, sairedis.Config{Timeout: o.Timeout, Logger: o.Logger})
	if err != nil {
		return nil, nil, err
	}
	closers = append(closers, client.Close)
	a, err = New(Config{
		Client:        SairedisClient{client},
		Source:        WithStateSource(NewRedisSource(app, o.Logger), NewStateSource(state, o.Logger)),
		Notifications: ntf,
		State:         NewRedisStateWriter(state, app),
		MAC:           mac,
		Clock:         o.Clock,
		Logger:        o.Logger,
		Extra:         o.Extra,
		OnSettled:     o.OnSettled,
	})
	if err != nil {
		return nil, nil, err
	}
	return a, closeFn, nil
}

// configMAC reads CONFIG_DB DEVICE_METADATA|localhost mac (nil if unset).
func configMAC(ctx context.Context, cfg *swss.DBConfig) (net.HardwareAddr, error) {
	db, err := swss.Connect(ctx, cfg, swss.ConfigDB)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	v, err := db.Client.HGet(ctx, "DEVICE_METADATA"+db.Separator+"localhost", "mac").Result()
	if errors.Is(err, redis.Nil) || v == "" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("orchagent: CONFIG_DB DEVICE_METADATA|localhost mac: %w", err)
	}
	mac, err := net.ParseMAC(v)
	if err != nil || len(mac) != 6 {
		return nil, fmt.Errorf("orchagent: CONFIG_DB DEVICE_METADATA|localhost mac %q is not a MAC address", v)
	}
	return mac, nil
}
