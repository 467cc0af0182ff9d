package swss

import (
	"context"
	"fmt"
)

// ProducerTable is swss-common's ordered queue (used orchagent → syncd and
// syncd → orchagent): each entry LPUSHes key, a JSON array
// ["f1","v1",…] and the op prefixed "S" (set) or "D" (del) onto
// "<T>_KEY_VALUE_OP_QUEUE", then "G" is published on "<T>_CHANNEL@<db>".
type ProducerTable struct {
	db      *DB
	table   string
	queue   string
	channel string
}

// NewProducerTable returns a producer for the queue of table.
func NewProducerTable(db *DB, table string) *ProducerTable {
	return &ProducerTable{db: db, table: table, queue: table + "_KEY_VALUE_OP_QUEUE", channel: db.channelName(table)}
}

// Table returns the table name.
func (p *ProducerTable) Table() string { return p.table }

// Set enqueues a set-type entry with op (e.g. "create", "bulkcreate",
// "getresponse"; "SET" for a plain table).
func (p *ProducerTable) Set(ctx context.Context, key string, fields FieldValues, op string) error {
	return p.Send(ctx, []QueueEntry{{Key: key, Fields: fields, Op: op}})
}

// Del enqueues a delete-type entry with op (e.g. "remove"; "DEL").
func (p *ProducerTable) Del(ctx context.Context, key, op string) error {
	return p.Send(ctx, []QueueEntry{{Key: key, Op: op, Delete: true}})
}

// QueueEntry is one queued operation.
type QueueEntry struct {
	Key    string
	Fields FieldValues
	Op     string
	Delete bool // enqueued with the "D" prefix and an empty "{}" payload
}

// Send enqueues entries in order in one round trip and publishes once.
func (p *ProducerTable) Send(ctx context.Context, entries []QueueEntry) error {
	if len(entries) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(entries))
	for _, e := range entries {
		if e.Delete {
			args = append(args, e.Key, "{}", "D"+e.Op)
			continue
		}
		js, err := EncodeFieldArray(e.Fields)
		if err != nil {
			return fmt.Errorf("%s: key %q: %w", p.table, e.Key, err)
		}
		args = append(args, e.Key, js, "S"+e.Op)
	}
	pipe := p.db.Client.Pipeline()
	// LPUSH of many values pushes them left in order, exactly as repeated
	// three-value LPUSHes would, so the FIFO order of the queue holds.
	pipe.LPush(ctx, p.queue, args...)
	pipe.Publish(ctx, p.channel, updateNotification)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("%s: enqueue %d entries: %w", p.table, len(entries), err)
	}
	return nil
}
