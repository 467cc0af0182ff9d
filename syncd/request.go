package syncd

import (
	"fmt"
	"strconv"
	"strings"
)

// Queue operations (the op of an ASIC_STATE queue item).
const (
	opCreate     = "create"
	opRemove     = "remove"
	opSet        = "set"
	opGet        = "get"
	opBulkCreate = "bulkcreate"
	opBulkRemove = "bulkremove"
	opBulkSet    = "bulkset"
	opNotify     = "notify"

	opGetResponse = "getresponse" // reply op on GETRESPONSE
)

// Notify keys (the key of a notify item).
const (
	notifyInitView  = "INIT_VIEW"
	notifyApplyView = "APPLY_VIEW"
)

// FV is one field/value pair, in queue order.
type FV struct {
	Field string
	Value string
}

// Item is one raw ASIC_STATE queue item.
type Item struct {
	Key    string
	Op     string
	Fields []FV
}

// Reply is one GETRESPONSE message: Key is a SAI status name.
type Reply struct {
	Key    string
	Op     string
	Fields []FV
}

// object is one object named by a request: the single object of
// create/remove/set/get, or one entry of a bulk request.
type object struct {
	typeName string // SAI_OBJECT_TYPE_X
	id       string // "oid:0x…" or a JSON entry key, as received
	attrs    []FV   // attribute strings, as received (ASIC_DB form)
}

// request is one queue item split into objects.
type request struct {
	op      string
	key     string
	objects []object
}

func (r *request) bulk() bool {
	return r.op == opBulkCreate || r.op == opBulkRemove || r.op == opBulkSet
}

// splitKey splits "SAI_OBJECT_TYPE_X:rest" at the first ':'.
func splitKey(key string) (typeName, rest string, err error) {
	i := strings.IndexByte(key, ':')
	if i <= 0 || i == len(key)-1 {
		return "", "", fmt.Errorf("key %q: want SAI_OBJECT_TYPE_X:<id>", key)
	}
	return key[:i], key[i+1:], nil
}

// parseRequest turns a queue item into a request. Attribute strings stay as
// received; they are parsed against SAI metadata later, per object, so one
// malformed entry of a bulk does not spoil the others.
func parseRequest(it Item) (*request, error) {
	r := &request{op: it.Op, key: it.Key}
	switch it.Op {
	case opNotify:
		return r, nil
	case opCreate, opRemove, opSet, opGet:
		t, id, err := splitKey(it.Key)
		if err != nil {
			return r, err
		}
		attrs := it.Fields
		if it.Op == opCreate && len(attrs) == 1 && attrs[0].Field == "NULL" {
			attrs = nil
		}
		if it.Op == opRemove {
			attrs = nil
		}
		r.objects = []object{{typeName: t, id: id, attrs: attrs}}
		return r, nil
	case opBulkCreate, opBulkRemove, opBulkSet:
		t, n, err := splitKey(it.Key)
		if err != nil {
			return r, err
		}
		if count, err := strconv.Atoi(n); err != nil || count != len(it.Fields) {
			return r, fmt.Errorf("bulk key %q: count does not match %d objects", it.Key, len(it.Fields))
		}
		r.objects = make([]object, len(it.Fields))
		for i, f := range it.Fields {
			o := object{typeName: t, id: f.Field}
			if it.Op != opBulkRemove {
				o.attrs = splitJoined(f.Value)
			}
			r.objects[i] = o
		}
		return r, nil
	default:
		return r, fmt.Errorf("key %q: unknown op %q", it.Key, it.Op)
	}
}

// splitJoined parses the bulk value "attr=val|attr=val" (sairedis joins the
// attributes of one object with '|' and splits each at the first '=').
// "NULL=NULL" (an object created without attributes) yields nothing.
func splitJoined(s string) []FV {
	if s == "" {
		return nil
	}
	n := strings.Count(s, "|") + 1
	out := make([]FV, 0, n)
	for len(s) > 0 {
		var part string
		if i := strings.IndexByte(s, '|'); i >= 0 {
			part, s = s[:i], s[i+1:]
		} else {
			part, s = s, ""
		}
		if part == "" {
			continue
		}
		f, v, _ := strings.Cut(part, "=")
		if f == "NULL" {
			continue
		}
		out = append(out, FV{Field: f, Value: v})
	}
	return out
}
