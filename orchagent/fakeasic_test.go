package orchagent

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// fakeASIC is an in-memory syncd+platform behind the Client interface: it
// applies each flush in order with SAI's rules (hal/sai metadata for
// attributes, references must exist, referenced objects cannot be removed,
// duplicates refused) so orch tests see what ASIC_DB would hold.
type fakeASIC struct {
	counter  uint64
	objs     map[string]map[string]string // "SAI_OBJECT_TYPE_X:<id>" → attributes
	platform map[uint64]bool              // platform-made objects (never removed)
	switchID uint64
	sw       map[string]string // switch attributes returned by get
	lanes    map[uint64]string
	oper     map[uint64]string
	refuse   map[halv1.ObjectType]string // create of this type answers this status
	flushes  int
	ops      []string // "create KEY" log
	views    []string
}

func newFakeASIC(nports int) *fakeASIC {
	f := &fakeASIC{objs: map[string]map[string]string{}, platform: map[uint64]bool{},
		lanes: map[uint64]string{}, oper: map[uint64]string{}, refuse: map[halv1.ObjectType]string{}}
	f.switchID = sairedis.SwitchVID(0)
	mk := func(t halv1.ObjectType) uint64 {
		f.counter++
		v := sairedis.MakeVID(0, t, f.counter)
		f.platform[v] = true
		f.objs[sairedis.TypeName(t)+":"+sairedis.FormatOID(v)] = map[string]string{}
		return v
	}
	var ports []uint64
	cpu := mk(tPort)
	for i := 0; i < nports; i++ {
		p := mk(tPort)
		ports = append(ports, p)
		f.lanes[p] = fmt.Sprintf("4:%d,%d,%d,%d", 4*i, 4*i+1, 4*i+2, 4*i+3)
		f.oper[p] = "SAI_PORT_OPER_STATUS_DOWN"
	}
	f.sw = map[string]string{
		attrSwitchPortList:     sairedis.OIDList(attrSwitchPortList, ports).Value,
		attrSwitchCPUPort:      sairedis.FormatOID(cpu),
		attrSwitchDefaultVR:    sairedis.FormatOID(mk(halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER)),
		attrSwitchDefault1QBr:  sairedis.FormatOID(mk(halv1.ObjectType_OBJECT_TYPE_BRIDGE)),
		attrSwitchDefaultVlan:  sairedis.FormatOID(mk(tVlan)),
		attrSwitchDefTrapGroup: sairedis.FormatOID(mk(halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP_GROUP)),
		attrSwitchSrcMAC:       "02:00:00:00:00:01",
	}
	return f
}

func (f *fakeASIC) SwitchID() uint64 { return f.switchID }
func (f *fakeASIC) NewBatch() Batch  { return &fakeBatch{f: f} }

func (f *fakeASIC) NotifyInitView(context.Context) error {
	f.views = append(f.views, "INIT_VIEW")
	return nil
}

func (f *fakeASIC) NotifyApplyView(context.Context) error {
	f.views = append(f.views, "APPLY_VIEW")
	return nil
}

func (f *fakeASIC) Get(_ context.Context, k *halv1.ObjectKey, ids ...string) ([]sairedis.Attr, error) {
	var src map[string]string
	switch {
	case k.GetOid() == f.switchID:
		src = f.sw
	case sairedis.VIDType(k.GetOid()) == tPort:
		src = map[string]string{attrPortLanes: f.lanes[k.GetOid()], attrPortOperStatus: f.oper[k.GetOid()]}
	}
	var out []sairedis.Attr
	for _, id := range ids {
		v, ok := src[id]
		if !ok {
			return nil, &sairedis.StatusError{Op: "get", Key: id, Status: "SAI_STATUS_INVALID_ATTRIBUTE"}
		}
		out = append(out, sairedis.Attr{ID: id, Value: v})
	}
	return out, nil
}

type fakeOp struct {
	kind  string
	key   *halv1.ObjectKey
	attrs []sairedis.Attr
}

type fakeBatch struct {
	f   *fakeASIC
	ops []fakeOp
}

func (b *fakeBatch) Create(_ context.Context, t halv1.ObjectType, attrs ...sairedis.Attr) (uint64, error) {
	b.f.counter++
	v := sairedis.MakeVID(0, t, b.f.counter)
	b.ops = append(b.ops, fakeOp{"create", sairedis.ObjectKey(v), attrs})
	return v, nil
}

func (b *fakeBatch) CreateKey(k *halv1.ObjectKey, attrs ...sairedis.Attr) error {
	b.ops = append(b.ops, fakeOp{"create", k, attrs})
	return nil
}

func (b *fakeBatch) Remove(k *halv1.ObjectKey) error {
	b.ops = append(b.ops, fakeOp{"remove", k, nil})
	return nil
}

func (b *fakeBatch) Set(k *halv1.ObjectKey, a sairedis.Attr) error {
	b.ops = append(b.ops, fakeOp{"set", k, []sairedis.Attr{a}})
	return nil
}

func (b *fakeBatch) Len() int { return len(b.ops) }

func (b *fakeBatch) Flush(context.Context) ([]sairedis.Result, error) {
	b.f.flushes++
	out := make([]sairedis.Result, len(b.ops))
	for i, op := range b.ops {
		key, _ := sairedis.FormatKey(op.key)
		out[i].Key = key
		if st := b.f.apply(op, key); st != "" {
			out[i].Err = &sairedis.StatusError{Op: op.kind, Key: key, Status: st}
		}
	}
	b.ops = b.ops[:0]
	return out, nil
}

// apply returns "" or the refusal status.
func (f *fakeASIC) apply(op fakeOp, key string) string {
	t := op.key.GetType()
	f.ops = append(f.ops, op.kind+" "+key)
	parsed := make([]*halv1.Attribute, 0, len(op.attrs))
	for _, a := range op.attrs {
		pa, err := sai.ParseAttr(t, a.ID, a.Value)
		if err != nil {
			return sai.StatusName(sai.StatusOf(err, halv1.Status_STATUS_INVALID_ATTR_VALUE))
		}
		parsed = append(parsed, pa)
	}
	exists := func(v uint64) bool {
		_, ok := f.objs[sairedis.TypeName(sairedis.VIDType(v))+":"+sairedis.FormatOID(v)]
		return ok || v == f.switchID
	}
	refsOK := func() bool {
		for _, v := range sai.KeyRefOIDs(op.key) {
			if !exists(v) {
				return false
			}
		}
		for _, a := range parsed {
			for _, v := range sai.RefOIDs(a) {
				if !exists(v) {
					return false
				}
			}
		}
		return true
	}
	switch op.kind {
	case "create":
		if st, ok := f.refuse[t]; ok {
			return st
		}
		if t == tSwitch {
			return ""
		}
		if _, dup := f.objs[key]; dup {
			return "SAI_STATUS_ITEM_ALREADY_EXISTS"
		}
		if err := sai.ValidateCreate(t, parsed); err != nil {
			return sai.StatusName(sai.StatusOf(err, halv1.Status_STATUS_INVALID_PARAMETER))
		}
		if !refsOK() {
			return "SAI_STATUS_INVALID_OBJECT_ID"
		}
		m := map[string]string{}
		for _, a := range op.attrs {
			m[a.ID] = a.Value
		}
		f.objs[key] = m
	case "remove":
		if _, ok := f.objs[key]; !ok {
			return "SAI_STATUS_ITEM_NOT_FOUND"
		}
		if op.key.GetOid() != 0 && f.referenced(op.key.GetOid()) {
			return "SAI_STATUS_OBJECT_IN_USE"
		}
		delete(f.objs, key)
	case "set":
		m, ok := f.objs[key]
		if !ok {
			return "SAI_STATUS_ITEM_NOT_FOUND"
		}
		if err := sai.ValidateSet(t, parsed[0]); err != nil {
			return sai.StatusName(sai.StatusOf(err, halv1.Status_STATUS_INVALID_PARAMETER))
		}
		if !refsOK() {
			return "SAI_STATUS_INVALID_OBJECT_ID"
		}
		m[op.attrs[0].ID] = op.attrs[0].Value
	}
	return ""
}

// referenced reports whether any object names v (in an attribute or its
// entry key).
func (f *fakeASIC) referenced(v uint64) bool {
	s := sairedis.FormatOID(v)
	for k, attrs := range f.objs {
		if strings.Contains(k, `"`+s+`"`) {
			return true
		}
		for _, val := range attrs {
			if val == s || strings.Contains(val, s+",") || strings.HasSuffix(val, ","+s) || strings.HasSuffix(val, ":"+s) {
				return true
			}
		}
	}
	return false
}

// of lists the objects of a type (not the platform's) as "key attrs".
func (f *fakeASIC) of(t halv1.ObjectType) map[string]map[string]string {
	out := map[string]map[string]string{}
	prefix := sairedis.TypeName(t) + ":"
	for k, v := range f.objs {
		if strings.HasPrefix(k, prefix) {
			if id, err := sairedis.ParseOID(k[len(prefix):]); err == nil && f.platform[id] {
				continue
			}
			out[k] = v
		}
	}
	return out
}

// portID is the VID of platform port i (lanes 4i..4i+3).
func (f *fakeASIC) portID(i int) uint64 {
	ids, _ := sairedis.ParseOIDList(f.sw[attrSwitchPortList])
	return ids[i]
}

func (f *fakeASIC) oid(attr string) uint64 {
	v, _ := sairedis.ParseOID(f.sw[attr])
	return v
}

// dump is a sorted listing for failure messages.
func (f *fakeASIC) dump() string {
	var lines []string
	for k, v := range f.objs {
		lines = append(lines, fmt.Sprintf("%s %v", k, v))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
