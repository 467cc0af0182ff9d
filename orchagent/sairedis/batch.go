package sairedis

import (
	"context"
	"fmt"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// opKind is what one recorded op does.
type opKind uint8

const (
	opCreate opKind = iota
	opRemove
	opSet
)

func (k opKind) String() string {
	switch k {
	case opCreate:
		return "create"
	case opRemove:
		return "remove"
	}
	return "set"
}

// op is one recorded operation on one object.
type op struct {
	kind  opKind
	t     halv1.ObjectType
	id    string // "oid:0x…" or the JSON entry key
	attrs []Attr
	deps  []string // ids this op needs to stay after: its own and those it references
}

// group is a run of ops of one kind and type that becomes one request
// (bulk when it holds more than one op).
type group struct {
	kind    opKind
	t       halv1.ObjectType
	ops     []int               // indices into Batch.ops
	touched map[string]struct{} // ids created, removed or set by the group
}

// mergeLookback bounds how far back a create may move to join a bulk.
const mergeLookback = 16

// Batch records ops and sends them with Flush: consecutive ops of the same
// kind and object type become one bulk request. A create may also join an
// earlier bulk create of its type when nothing in between touches an object
// it names (itself, or one it references) and no remove of its type lies in
// between, so interleaved "VLAN, member, VLAN, member" still yields two
// bulks while every dependency keeps its order. Results come back in the
// order ops were recorded.
type Batch struct {
	c      *Client
	ops    []op
	groups []*group
}

// Batch starts an empty batch.
func (c *Client) Batch() *Batch { return &Batch{c: c} }

// Len is the number of ops recorded.
func (b *Batch) Len() int { return len(b.ops) }

// Create allocates a VID for a new object of type t and records its create.
// ctx bounds the VIDCOUNTER round trip made once per chunk of VIDs.
func (b *Batch) Create(ctx context.Context, t halv1.ObjectType, attrs ...Attr) (uint64, error) {
	if IsEntry(t) {
		return 0, fmt.Errorf("sairedis: create %s: an entry type needs CreateEntry", TypeName(t))
	}
	n, err := b.c.vids.alloc(ctx)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", TypeName(t), err)
	}
	vid := MakeVID(b.c.switchIndex, t, n)
	b.record(op{kind: opCreate, t: t, id: FormatOID(vid), attrs: attrs}, attrRefs(nil, attrs))
	return vid, nil
}

// CreateKey records the create of an object whose key is already known:
// an entry (route, neighbour, FDB), or the switch with its fixed VID.
func (b *Batch) CreateKey(k *halv1.ObjectKey, attrs ...Attr) error {
	id, err := FormatID(k)
	if err != nil {
		return fmt.Errorf("sairedis: create %s: %w", TypeName(k.GetType()), err)
	}
	b.record(op{kind: opCreate, t: k.GetType(), id: id, attrs: attrs}, attrRefs(keyRefs(nil, k), attrs))
	return nil
}

// Remove records the removal of an object.
func (b *Batch) Remove(k *halv1.ObjectKey) error {
	id, err := FormatID(k)
	if err != nil {
		return fmt.Errorf("sairedis: remove %s: %w", TypeName(k.GetType()), err)
	}
	b.record(op{kind: opRemove, t: k.GetType(), id: id}, nil)
	return nil
}

// Set records setting one attribute of an object.
func (b *Batch) Set(k *halv1.ObjectKey, a Attr) error {
	id, err := FormatID(k)
	if err != nil {
		return fmt.Errorf("sairedis: set %s %s: %w", TypeName(k.GetType()), a.ID, err)
	}
	b.record(op{kind: opSet, t: k.GetType(), id: id, attrs: []Attr{a}}, attrRefs(nil, []Attr{a}))
	return nil
}

func (b *Batch) record(o op, refs []uint64) {
	idx := len(b.ops)
	o.deps = make([]string, 0, len(refs)+1)
	o.deps = append(o.deps, o.id)
	for _, r := range refs {
		o.deps = append(o.deps, FormatOID(r))
	}
	b.ops = append(b.ops, o)
	g := b.target(&o)
	if g == nil {
		g = &group{kind: o.kind, t: o.t, touched: make(map[string]struct{})}
		b.groups = append(b.groups, g)
	}
	g.ops = append(g.ops, idx)
	g.touched[o.id] = struct{}{}
}

// target picks the group o joins, or nil for a new one.
func (b *Batch) target(o *op) *group {
	n := len(b.groups)
	if n == 0 {
		return nil
	}
	if last := b.groups[n-1]; last.kind == o.kind && last.t == o.t {
		return last
	}
	if o.kind != opCreate {
		return nil
	}
	for i := n - 1; i >= 0 && i >= n-mergeLookback; i-- {
		g := b.groups[i]
		if g.kind == opCreate && g.t == o.t {
			return g
		}
		if g.kind == opRemove && g.t == o.t {
			return nil // keep creates after removes of their type (capacity)
		}
		for _, d := range o.deps {
			if _, hit := g.touched[d]; hit {
				return nil
			}
		}
	}
	return nil
}

// Result is the outcome of one recorded op.
type Result struct {
	Key string // SAI_OBJECT_TYPE_X:<id>
	Err error  // nil on SAI_STATUS_SUCCESS; a *StatusError when refused
}

// Flush sends the recorded ops and waits for syncd's answers. It returns one
// Result per op in recording order; err is set when the exchange itself
// failed (Redis, timeout), in which case the ops without an answer carry
// that error too. The batch is empty afterwards.
func (b *Batch) Flush(ctx context.Context) ([]Result, error) {
	results := make([]Result, len(b.ops))
	for i := range b.ops {
		results[i].Key = TypeName(b.ops[i].t) + ":" + b.ops[i].id
	}
	if len(b.ops) == 0 {
		return results, nil
	}
	items := b.encode()
	replies, err := b.c.roundTrip(ctx, items)
	for gi, g := range b.groups {
		if gi >= len(replies) {
			for _, i := range g.ops {
				results[i].Err = fmt.Errorf("%s %s: %w", b.ops[i].kind, results[i].Key, err)
			}
			continue
		}
		b.decode(g, replies[gi], results)
	}
	b.ops, b.groups = b.ops[:0], b.groups[:0]
	return results, err
}
