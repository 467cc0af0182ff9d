package swss

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rs/zerolog"
)

// Notification is one message on a notification channel: swss-common
// publishes the JSON array [op, data, f1, v1, …].
type Notification struct {
	Op     string
	Data   string
	Fields FieldValues
}

// NotificationProducer publishes on a channel (e.g. ASIC_DB
// "NOTIFICATIONS").
type NotificationProducer struct {
	db      *DB
	channel string
}

// NewNotificationProducer returns a producer for channel of db.
func NewNotificationProducer(db *DB, channel string) *NotificationProducer {
	return &NotificationProducer{db: db, channel: channel}
}

// Send publishes one notification as the JSON array [op, data, f1, v1, …]
// (written as swss-common writes it, see EncodeFieldArray).
func (p *NotificationProducer) Send(ctx context.Context, n Notification) error {
	flat := make([]string, 0, 2+2*len(n.Fields))
	flat = append(flat, n.Op, n.Data)
	for _, fv := range n.Fields {
		flat = append(flat, fv.Field, fv.Value)
	}
	b := encodeStringArray(flat)
	if err := p.db.Client.Publish(ctx, p.channel, b).Err(); err != nil {
		return fmt.Errorf("notification %s on %s: %w", n.Op, p.channel, err)
	}
	return nil
}

// NotificationConsumer receives from a channel. Pub/sub keeps nothing for
// an absent subscriber: notifications published while the connection is
// down (a Redis restart) are lost, as with swss-common; go-redis
// re-subscribes by itself and later ones flow again.
type NotificationConsumer struct {
	channel string
	sub     *subscription
	log     zerolog.Logger
}

// NewNotificationConsumer subscribes to channel of db; notifications
// published after it returns are received.
func NewNotificationConsumer(ctx context.Context, db *DB, channel string, opts ...ConsumerOption) (*NotificationConsumer, error) {
	o := buildOptions(opts)
	sub, err := subscribeChannel(ctx, db.Client, channel, false, 1024)
	if err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", channel, err)
	}
	return &NotificationConsumer{channel: channel, sub: sub, log: o.log.With().Str("channel", channel).Logger()}, nil
}

// Close releases the subscription; a Pop in progress returns an error.
func (c *NotificationConsumer) Close() error { return c.sub.close() }

// Pop blocks for the next well-formed notification (or ctx's end);
// malformed messages are logged and skipped.
func (c *NotificationConsumer) Pop(ctx context.Context) (Notification, error) {
	for {
		ev := c.sub.next(ctx, 0)
		switch {
		case ev.contextClosed != nil:
			return Notification{}, ev.contextClosed
		case ev.closed:
			return Notification{}, fmt.Errorf("%s: %w", c.channel, errSubscriptionClosed)
		case ev.msg == nil:
			continue // a re-subscription: nothing to deliver
		}
		n, err := ParseNotification(ev.msg.Payload)
		if err != nil {
			c.log.Error().Err(err).Msg("malformed notification; skipped")
			continue
		}
		return n, nil
	}
}

// ParseNotification parses the [op, data, f1, v1, …] payload.
func ParseNotification(payload string) (Notification, error) {
	var flat []string
	if err := json.Unmarshal([]byte(payload), &flat); err != nil {
		return Notification{}, fmt.Errorf("notification %.64q: %w", payload, err)
	}
	if len(flat) < 2 || len(flat)%2 != 0 {
		return Notification{}, fmt.Errorf("notification %.64q: want [op, data, f, v, …], got %d elements", payload, len(flat))
	}
	n := Notification{Op: flat[0], Data: flat[1]}
	for i := 2; i < len(flat); i += 2 {
		n.Fields = append(n.Fields, FieldValue{flat[i], flat[i+1]})
	}
	return n, nil
}
