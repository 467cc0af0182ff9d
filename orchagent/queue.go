package orchagent

// taskQueue holds the tasks of one table in arrival order; a key appears at
// most once (a newer change replaces the queued task in its place).
type taskQueue struct {
	table string
	items map[string]*queued
	order []*queued
	holes int
}

type queued struct {
	task    *Task
	removed bool
}

func newTaskQueue(table string) *taskQueue {
	return &taskQueue{table: table, items: make(map[string]*queued)}
}

func (q *taskQueue) len() int { return len(q.items) }

func (q *taskQueue) has(key string) bool { _, ok := q.items[key]; return ok }

// put queues t, replacing a queued task of the same key in place.
func (q *taskQueue) put(t *Task) {
	if e, ok := q.items[t.Key]; ok {
		e.task = t
		return
	}
	e := &queued{task: t}
	q.items[t.Key] = e
	q.order = append(q.order, e)
}

func (q *taskQueue) remove(key string) {
	e, ok := q.items[key]
	if !ok {
		return
	}
	delete(q.items, key)
	e.removed = true
	q.holes++
	if q.holes > 64 && q.holes > len(q.order)/2 {
		q.compact()
	}
}

func (q *taskQueue) compact() {
	out := q.order[:0]
	for _, e := range q.order {
		if !e.removed {
			out = append(out, e)
		}
	}
	clear(q.order[len(out):])
	q.order = out
	q.holes = 0
}

// snapshot returns the queued tasks in order (tasks queued while the caller
// walks them are seen on the next pass).
func (q *taskQueue) snapshot() []*Task {
	out := make([]*Task, 0, len(q.items))
	for _, e := range q.order {
		if !e.removed {
			out = append(out, e.task)
		}
	}
	return out
}
