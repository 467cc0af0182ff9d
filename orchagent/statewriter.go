package orchagent

import (
	"context"
	"fmt"

	"github.com/vltgw/vltgw/swss"
)

// StateWriter buffers the agent's writes to STATE_DB (and the oper_status
// field SONiC's orchagent writes into APP_DB PORT_TABLE); Flush sends them,
// once per event-loop round.
type StateWriter interface {
	// SetState merges fields into STATE_DB "<table>|<key>".
	SetState(table, key string, fields map[string]string)
	// DelState deletes STATE_DB "<table>|<key>".
	DelState(table, key string)
	// SetApp merges fields into APP_DB "<table>:<key>" (plain HSET).
	SetApp(table, key string, fields map[string]string)
	Flush(ctx context.Context) error
}

type stateOp struct {
	app    bool
	del    bool
	key    string
	fields map[string]string
}

// RedisStateWriter writes STATE_DB and APP_DB with one pipeline per flush.
type RedisStateWriter struct {
	state, app *swss.DB
	ops        []stateOp
}

// NewRedisStateWriter writes to state (STATE_DB) and app (APP_DB).
func NewRedisStateWriter(state, app *swss.DB) *RedisStateWriter {
	return &RedisStateWriter{state: state, app: app}
}

// SetState implements StateWriter.
func (w *RedisStateWriter) SetState(table, key string, fields map[string]string) {
	w.ops = append(w.ops, stateOp{key: table + w.state.Separator + key, fields: fields})
}

// DelState implements StateWriter.
func (w *RedisStateWriter) DelState(table, key string) {
	w.ops = append(w.ops, stateOp{del: true, key: table + w.state.Separator + key})
}

// SetApp implements StateWriter.
func (w *RedisStateWriter) SetApp(table, key string, fields map[string]string) {
	w.ops = append(w.ops, stateOp{app: true, key: table + w.app.Separator + key, fields: fields})
}

// Flush implements StateWriter. Ops are kept on failure and sent with the
// next flush.
func (w *RedisStateWriter) Flush(ctx context.Context) error {
	if len(w.ops) == 0 {
		return nil
	}
	sp, ap := w.state.Client.Pipeline(), w.app.Client.Pipeline()
	var nApp int
	for _, op := range w.ops {
		p := sp
		if op.app {
			p, nApp = ap, nApp+1
		}
		if op.del {
			p.Del(ctx, op.key)
			continue
		}
		args := make([]any, 0, 2*len(op.fields))
		for f, v := range op.fields {
			args = append(args, f, v)
		}
		p.HSet(ctx, op.key, args...)
	}
	if len(w.ops) > nApp {
		if _, err := sp.Exec(ctx); err != nil {
			return fmt.Errorf("orchagent: STATE_DB writes: %w", err)
		}
	}
	if nApp > 0 {
		if _, err := ap.Exec(ctx); err != nil {
			return fmt.Errorf("orchagent: APP_DB writes: %w", err)
		}
	}
	w.ops = w.ops[:0]
	return nil
}
