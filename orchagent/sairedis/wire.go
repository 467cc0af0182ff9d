package sairedis

import (
	"strconv"
	"strings"

	"github.com/vltgw/vltgw/swss"
)

// Queue operations on ASIC_STATE.
const (
	OpCreate     = "create"
	OpRemove     = "remove"
	OpSet        = "set"
	OpGet        = "get"
	OpBulkCreate = "bulkcreate"
	OpBulkRemove = "bulkremove"
	OpBulkSet    = "bulkset"
	OpNotify     = "notify"
)

// Notify keys.
const (
	NotifyInitView  = "INIT_VIEW"
	NotifyApplyView = "APPLY_VIEW"
)

// Queue and table names in ASIC_DB.
const (
	AsicStateTable   = "ASIC_STATE"
	GetResponseTable = "GETRESPONSE"
	VIDCounterKey    = "VIDCOUNTER"
	NotificationsCh  = "NOTIFICATIONS"
)

// encode turns the groups into queue entries, one per group. As in
// sairedis, a single remove is a delete-type entry ("D" prefix, no fields);
// everything else is set-type.
func (b *Batch) encode() []swss.QueueEntry {
	items := make([]swss.QueueEntry, len(b.groups))
	for gi, g := range b.groups {
		tn := TypeName(g.t)
		if len(g.ops) == 1 {
			o := &b.ops[g.ops[0]]
			it := swss.QueueEntry{Key: tn + ":" + o.id}
			switch o.kind {
			case opCreate:
				it.Op = OpCreate
				it.Fields = attrFields(o.attrs)
			case opRemove:
				it.Op = OpRemove
				it.Delete = true
			case opSet:
				it.Op = OpSet
				it.Fields = attrFields(o.attrs)
			}
			items[gi] = it
			continue
		}
		it := swss.QueueEntry{Key: tn + ":" + strconv.Itoa(len(g.ops)), Fields: make(swss.FieldValues, len(g.ops))}
		switch g.kind {
		case opCreate:
			it.Op = OpBulkCreate
		case opRemove:
			it.Op = OpBulkRemove
		case opSet:
			it.Op = OpBulkSet
		}
		for j, i := range g.ops {
			o := &b.ops[i]
			it.Fields[j] = swss.FieldValue{Field: o.id, Value: joinAttrs(o.attrs)}
		}
		items[gi] = it
	}
	return items
}

// attrFields is a single-object field list; an object created without
// attributes carries NULL=NULL, as in sairedis.
func attrFields(attrs []Attr) swss.FieldValues {
	if len(attrs) == 0 {
		return swss.FieldValues{{Field: "NULL", Value: "NULL"}}
	}
	f := make(swss.FieldValues, len(attrs))
	for i, a := range attrs {
		f[i] = swss.FieldValue{Field: a.ID, Value: a.Value}
	}
	return f
}

// joinAttrs is the bulk value of one object: "attr=val|attr=val".
func joinAttrs(attrs []Attr) string {
	var sb strings.Builder
	for i, a := range attrs {
		if i > 0 {
			sb.WriteByte('|')
		}
		sb.WriteString(a.ID)
		sb.WriteByte('=')
		sb.WriteString(a.Value)
	}
	return sb.String()
}

// decode spreads the reply to one group over its ops: a bulk reply holds
// one status per object (field names); a reply without them applies its
// overall status to every object.
func (b *Batch) decode(g *group, reply swss.KeyOpFieldValues, results []Result) {
	perObject := len(g.ops) > 1 && len(reply.Fields) == len(g.ops)
	for j, i := range g.ops {
		st := reply.Key
		if perObject {
			st = reply.Fields[j].Field
		}
		if st != StatusSuccess {
			results[i].Err = &StatusError{Op: b.ops[i].kind.String(), Key: results[i].Key, Status: st}
		}
	}
}
