package sairedis

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

// RedisCounter is the ASIC_DB VIDCOUNTER.
type RedisCounter struct{ Client *redis.Client }

// IncrBy implements Counter.
func (r RedisCounter) IncrBy(ctx context.Context, n int64) (int64, error) {
	return r.Client.IncrBy(ctx, VIDCounterKey, n).Result()
}

// Open wires a client to ASIC_DB: the ASIC_STATE producer, the GETRESPONSE
// consumer and VIDCOUNTER. Replies left on GETRESPONSE by a previous
// orchagent are dropped first: nobody is waiting for them. cfg's transport
// fields are filled in; Close releases the subscription.
func Open(ctx context.Context, asic *swss.DB, cfg Config) (*Client, error) {
	if err := asic.Client.Del(ctx, GetResponseTable+"_KEY_VALUE_OP_QUEUE").Err(); err != nil {
		return nil, fmt.Errorf("sairedis: clear %s: %w", GetResponseTable, err)
	}
	resp, err := swss.NewConsumerTable(ctx, asic, GetResponseTable, swss.WithPopBatch(4096), swss.WithLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("sairedis: %w", err)
	}
	cfg.Requests = swss.NewProducerTable(asic, AsicStateTable)
	cfg.Responses = resp
	cfg.Counter = RedisCounter{asic.Client}
	c, err := New(cfg)
	if err != nil {
		resp.Close()
		return nil, err
	}
	c.closer = resp.Close
	return c, nil
}

// Close releases what Open acquired.
func (c *Client) Close() error {
	if c.closer == nil {
		return nil
	}
	return c.closer()
}
