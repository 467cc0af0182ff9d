package syncd

import (
	"context"
	"fmt"
	"sort"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// vobj is one object of a view (ASIC_DB's current view or the temporary
// view built between INIT_VIEW and APPLY_VIEW), in VID form.
type vobj struct {
	typeName string
	t        halv1.ObjectType
	id       string
	key      *halv1.ObjectKey // parsed id (VIDs)
	vid      uint64           // OID objects
	attrs    []FV             // as stored, sorted by field
	setOnly  bool             // temp view: only SETs on an existing object were recorded
}

func (o *vobj) name() string { return o.typeName + ":" + o.id }

// attr returns the value of one attribute.
func (o *vobj) attr(f string) (string, bool) {
	i := sort.Search(len(o.attrs), func(i int) bool { return o.attrs[i].Field >= f })
	if i < len(o.attrs) && o.attrs[i].Field == f {
		return o.attrs[i].Value, true
	}
	return "", false
}

// merge sets attributes, keeping them sorted.
func (o *vobj) merge(attrs []FV) {
	for _, a := range attrs {
		if a.Field == "NULL" {
			continue
		}
		i := sort.Search(len(o.attrs), func(i int) bool { return o.attrs[i].Field >= a.Field })
		if i < len(o.attrs) && o.attrs[i].Field == a.Field {
			o.attrs[i].Value = a.Value
			continue
		}
		o.attrs = append(o.attrs, FV{})
		copy(o.attrs[i+1:], o.attrs[i:])
		o.attrs[i] = a
	}
}

func newVobj(typeName, id string, attrs []FV) (*vobj, error) {
	t, ok := objectTypeOf(typeName)
	if !ok {
		return nil, fmt.Errorf("unknown object type %q", typeName)
	}
	key, err := parseObjectID(t, id)
	if err != nil {
		return nil, err
	}
	o := &vobj{typeName: typeName, t: t, id: id, key: key}
	if !isEntryType(t) {
		o.vid = key.GetOid()
	}
	o.merge(attrs)
	return o, nil
}

// loadASICView reads every ASIC_STATE hash, in dependency order (by type,
// then by id for a stable order).
func (s *Syncd) loadASICView(ctx context.Context) ([]*vobj, error) {
	var keys []string
	iter := s.cfg.ASIC.Scan(ctx, 0, asicStatePrefix+"*", 4096).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("syncd: scan ASIC_STATE: %w", err)
	}
	pipe := s.cfg.ASIC.Pipeline()
	cmds := make([]interface {
		Val() map[string]string
		Err() error
	}, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.HGetAll(ctx, k)
	}
	if len(keys) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("syncd: read ASIC_STATE: %w", err)
		}
	}
	out := make([]*vobj, 0, len(keys))
	for i, k := range keys {
		typeName, id, err := splitKey(strings.TrimPrefix(k, asicStatePrefix))
		if err != nil {
			s.log.Warn().Str("key", k).Err(err).Msg("ASIC_DB key ignored")
			continue
		}
		m := cmds[i].Val()
		attrs := make([]FV, 0, len(m))
		for f, v := range m {
			attrs = append(attrs, FV{Field: f, Value: v})
		}
		o, err := newVobj(typeName, id, attrs)
		if err != nil {
			s.log.Warn().Str("key", k).Err(err).Msg("ASIC_DB object ignored")
			continue
		}
		out = append(out, o)
	}
	sortByDependency(out)
	return out, nil
}

// sortByDependency orders objects so that referenced types come first.
func sortByDependency(objs []*vobj) {
	rank := typeRanks()
	sort.SliceStable(objs, func(i, j int) bool {
		ri, rj := rank[objs[i].t], rank[objs[j].t]
		if ri != rj {
			return ri < rj
		}
		return objs[i].id < objs[j].id
	})
}

// writeMaps rewrites VIDTORID/RIDTOVID (and COLDVIDS) from memory.
func (s *Syncd) writeMaps(ctx context.Context) error {
	s.state.mapOps = s.state.mapOps[:0]
	pipe := s.cfg.ASIC.TxPipeline()
	pipe.Del(ctx, keyVIDToRID, keyRIDToVID, keyColdVIDs)
	if s.ids.len() > 0 {
		v := make([]any, 0, 2*s.ids.len())
		r := make([]any, 0, 2*s.ids.len())
		for vid, rid := range s.ids.v2r {
			vs, rs := formatOID(vid), formatOID(rid)
			v = append(v, vs, rs)
			r = append(r, rs, vs)
		}
		pipe.HSet(ctx, keyVIDToRID, v...)
		pipe.HSet(ctx, keyRIDToVID, r...)
	}
	if len(s.cold) > 0 {
		c := make([]any, 0, 2*len(s.cold))
		for vid, role := range s.cold {
			c = append(c, formatOID(vid), role)
		}
		pipe.HSet(ctx, keyColdVIDs, c...)
	}
	pipe.HSet(ctx, keySyncdSession, "session_id", s.session)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("syncd: rewrite maps: %w", err)
	}
	return nil
}
