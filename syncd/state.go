package syncd

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// ASIC_DB names syncd writes.
const (
	asicStatePrefix = "ASIC_STATE:"
	keyVIDToRID     = "VIDTORID"
	keyRIDToVID     = "RIDTOVID"
	keyVIDCounter   = "VIDCOUNTER"
	keyColdVIDs     = "COLDVIDS"      // VID → role of objects discovered on the platform
	keySyncdSession = "SYNCD_SESSION" // field session_id: the platform session ASIC_DB describes
)

// stateWriter accumulates the ASIC_DB (and STATE_DB) writes of one batch and
// sends them as one pipeline each.
type stateWriter struct {
	asic  *redis.Client
	state *redis.Client // STATE_DB; may be nil

	asicPipe  redis.Pipeliner
	statePipe redis.Pipeliner
	n         int

	mapOps []mapOp // VIDTORID/RIDTOVID changes in order
}

func newStateWriter(asic, state *redis.Client) *stateWriter {
	w := &stateWriter{asic: asic, state: state, asicPipe: asic.Pipeline()}
	if state != nil {
		w.statePipe = state.Pipeline()
	}
	return w
}

func asicKey(typeName, id string) string {
	return asicStatePrefix + typeName + ":" + id
}

func fvArgs(attrs []FV) []any {
	if len(attrs) == 0 {
		return []any{"NULL", "NULL"}
	}
	args := make([]any, 0, 2*len(attrs))
	for _, a := range attrs {
		args = append(args, a.Field, a.Value)
	}
	return args
}

// create writes the hash of an object the platform accepted.
func (w *stateWriter) create(typeName, id string, attrs []FV) {
	key := asicKey(typeName, id)
	w.asicPipe.HSet(context.Background(), key, fvArgs(attrs)...)
	w.n++
}

// set merges attributes into an object's hash (dropping the NULL marker).
func (w *stateWriter) set(typeName, id string, attrs []FV) {
	if len(attrs) == 0 {
		return
	}
	key := asicKey(typeName, id)
	w.asicPipe.HSet(context.Background(), key, fvArgs(attrs)...)
	w.asicPipe.HDel(context.Background(), key, "NULL")
	w.n += 2
}

// replace rewrites an object's hash.
func (w *stateWriter) replace(typeName, id string, attrs []FV) {
	key := asicKey(typeName, id)
	w.asicPipe.Del(context.Background(), key)
	w.asicPipe.HSet(context.Background(), key, fvArgs(attrs)...)
	w.n += 2
}

func (w *stateWriter) remove(typeName, id string) {
	w.asicPipe.Del(context.Background(), asicKey(typeName, id))
	w.n++
}

type mapOp struct {
	put      bool
	vid, rid uint64
}

func (w *stateWriter) mapPut(vid, rid uint64) { w.mapOps = append(w.mapOps, mapOp{true, vid, rid}) }

func (w *stateWriter) mapDel(vid, rid uint64) { w.mapOps = append(w.mapOps, mapOp{false, vid, rid}) }

// queueMaps queues the map changes in order, one HSET/HDEL per run of puts
// or deletes.
func (w *stateWriter) queueMaps() {
	ctx := context.Background()
	ops := w.mapOps
	for len(ops) > 0 {
		n := 1
		for n < len(ops) && ops[n].put == ops[0].put {
			n++
		}
		run := ops[:n]
		ops = ops[n:]
		if run[0].put {
			v := make([]any, 0, 2*len(run))
			r := make([]any, 0, 2*len(run))
			for _, m := range run {
				vs, rs := formatOID(m.vid), formatOID(m.rid)
				v = append(v, vs, rs)
				r = append(r, rs, vs)
			}
			w.asicPipe.HSet(ctx, keyVIDToRID, v...)
			w.asicPipe.HSet(ctx, keyRIDToVID, r...)
		} else {
			v := make([]string, 0, len(run))
			r := make([]string, 0, len(run))
			for _, m := range run {
				v = append(v, formatOID(m.vid))
				r = append(r, formatOID(m.rid))
			}
			w.asicPipe.HDel(ctx, keyVIDToRID, v...)
			w.asicPipe.HDel(ctx, keyRIDToVID, r...)
		}
		w.n += 2
	}
	w.mapOps = w.mapOps[:0]
}

// stateHSet queues a STATE_DB hash write.
func (w *stateWriter) stateHSet(key string, args ...any) {
	if w.statePipe == nil {
		return
	}
	w.statePipe.HSet(context.Background(), key, args...)
}

// stateDel queues a STATE_DB key delete.
func (w *stateWriter) stateDel(key string) {
	if w.statePipe == nil {
		return
	}
	w.statePipe.Del(context.Background(), key)
}

// flush sends what was queued.
func (w *stateWriter) flush(ctx context.Context) error {
	w.queueMaps()
	if w.n > 0 {
		_, err := w.asicPipe.Exec(ctx)
		w.n = 0
		if err != nil {
			return fmt.Errorf("syncd: ASIC_DB pipeline: %w", err)
		}
	}
	if w.statePipe != nil && w.statePipe.Len() > 0 {
		if _, err := w.statePipe.Exec(ctx); err != nil {
			return fmt.Errorf("syncd: STATE_DB pipeline: %w", err)
		}
	}
	return nil
}
