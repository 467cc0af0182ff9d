package syncd

import (
	"context"
	"fmt"
	"sync"
	"time"

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
// sends them as one pipeline each. Once started, submit hands a batch's
// pipelines and its GETRESPONSE replies to a writer goroutine that runs them
// in order (ASIC_DB, STATE_DB, then the replies, so orchagent never gets a
// reply before the state it describes), while the event loop goes on with
// the next batch's HAL write. sync waits for everything handed over; a
// write error comes back from the next submit, flush or sync.
type stateWriter struct {
	asic  *redis.Client
	state *redis.Client // STATE_DB; may be nil

	asicPipe  redis.Pipeliner
	statePipe redis.Pipeliner

	mapOps []mapOp // VIDTORID/RIDTOVID changes in order

	jobs chan writeJob // nil until start
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error // first error of the writer goroutine
}

// writeJob is one batch's writes, or a barrier (done set).
type writeJob struct {
	ctx       context.Context
	asic      redis.Pipeliner
	state     redis.Pipeliner
	replies   []Reply
	responder Responder
	done      chan struct{}
}

func newStateWriter(asic, state *redis.Client) *stateWriter {
	w := &stateWriter{asic: asic, state: state, asicPipe: asic.Pipeline()}
	if state != nil {
		w.statePipe = state.Pipeline()
	}
	return w
}

// start runs the writer goroutine; stop drains and ends it.
func (w *stateWriter) start() {
	w.jobs = make(chan writeJob, 1)
	w.wg.Add(1)
	go w.loop()
}

func (w *stateWriter) stop() {
	if w.jobs == nil {
		return
	}
	close(w.jobs)
	w.wg.Wait()
	w.jobs = nil
}

func (w *stateWriter) loop() {
	defer w.wg.Done()
	for j := range w.jobs {
		if j.done != nil {
			close(j.done)
			continue
		}
		if w.failed() != nil {
			continue // the loop stops at its next submit/sync
		}
		if err := j.run(); err != nil {
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
		}
	}
}

func (w *stateWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (j *writeJob) run() error {
	ctx, cancel := context.WithTimeout(j.ctx, writeTimeout)
	defer cancel()
	if j.asic != nil {
		if _, err := j.asic.Exec(ctx); err != nil {
			return fmt.Errorf("syncd: ASIC_DB pipeline: %w", err)
		}
	}
	if j.state != nil {
		if _, err := j.state.Exec(ctx); err != nil {
			return fmt.Errorf("syncd: STATE_DB pipeline: %w", err)
		}
	}
	if len(j.replies) > 0 {
		if err := j.responder.Send(ctx, j.replies); err != nil {
			return fmt.Errorf("syncd: send %d replies: %w", len(j.replies), err)
		}
	}
	return nil
}

// take detaches what was queued as a job (pipelines left nil when empty).
func (w *stateWriter) take(ctx context.Context) writeJob {
	w.queueMaps()
	j := writeJob{ctx: ctx}
	if w.asicPipe.Len() > 0 {
		j.asic = w.asicPipe
		w.asicPipe = w.asic.Pipeline()
	}
	if w.statePipe != nil && w.statePipe.Len() > 0 {
		j.state = w.statePipe
		w.statePipe = w.state.Pipeline()
	}
	return j
}

// submit hands what was queued, then replies, to the writer goroutine (or
// runs them now when it is not started). Writes already handed over are
// finished even if ctx ends (within writeTimeout).
func (w *stateWriter) submit(ctx context.Context, replies []Reply, responder Responder) error {
	if err := w.failed(); err != nil {
		return err
	}
	j := w.take(ctx)
	j.replies, j.responder = replies, responder
	if j.asic == nil && j.state == nil && len(j.replies) == 0 {
		return nil
	}
	if w.jobs == nil {
		return j.run()
	}
	j.ctx = detached{ctx}
	w.jobs <- j
	return nil
}

// sync waits until the writer goroutine ran everything handed over.
func (w *stateWriter) sync(ctx context.Context) error {
	if w.jobs != nil {
		done := make(chan struct{})
		w.jobs <- writeJob{done: done}
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return w.failed()
}

// flush runs what was queued and waits for it.
func (w *stateWriter) flush(ctx context.Context) error {
	if err := w.submit(ctx, nil, nil); err != nil {
		return err
	}
	return w.sync(ctx)
}

// writeTimeout bounds one handed-over batch of writes.
const writeTimeout = 30 * time.Second

// detached keeps a context's values but not its cancellation: writes handed
// to the writer goroutine complete after syncd was told to stop.
type detached struct{ context.Context }

func (detached) Done() <-chan struct{}       { return nil }
func (detached) Err() error                  { return nil }
func (detached) Deadline() (time.Time, bool) { return time.Time{}, false }

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
}

// set merges attributes into an object's hash (dropping the NULL marker).
func (w *stateWriter) set(typeName, id string, attrs []FV) {
	if len(attrs) == 0 {
		return
	}
	key := asicKey(typeName, id)
	w.asicPipe.HSet(context.Background(), key, fvArgs(attrs)...)
	w.asicPipe.HDel(context.Background(), key, "NULL")
}

// replace rewrites an object's hash.
func (w *stateWriter) replace(typeName, id string, attrs []FV) {
	key := asicKey(typeName, id)
	w.asicPipe.Del(context.Background(), key)
	w.asicPipe.HSet(context.Background(), key, fvArgs(attrs)...)
}

func (w *stateWriter) remove(typeName, id string) {
	w.asicPipe.Del(context.Background(), asicKey(typeName, id))
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
