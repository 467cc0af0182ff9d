package syncd

import (
	"context"
	"fmt"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// mode says which side effects a batch has.
type mode int

const (
	modeNormal mode = iota // maps + ASIC_STATE hashes + GETRESPONSE replies
	modeReplay             // maps only (replay into a restarted platform, view apply)
)

// reqState tracks one request of a batch until its reply is known.
type reqState struct {
	req      *request
	statuses []halv1.Status // one per object
	reply    *Reply         // set directly for get/notify/parse failures
}

// pendingOp is one HAL op waiting in the current write, in VID form.
type pendingOp struct {
	rs   *reqState
	idx  int // object index in rs.req
	kind halv1.Op_Kind
	key  *halv1.ObjectKey   // VIDs
	attr []*halv1.Attribute // VIDs
	vid  uint64             // OID objects: the object's VID
	obj  *object
}

// batch accumulates the HAL write under construction and the results.
type batch struct {
	mode     mode
	reqs     []*reqState
	pending  []pendingOp
	creating map[uint64]struct{} // VIDs whose create is pending in this write
	writes   int                 // HAL writes sent (for stats and tests)
}

func newBatch(m mode) *batch {
	return &batch{mode: m, creating: make(map[uint64]struct{})}
}

// processItems runs one queue batch: every item in order, one HAL write for
// consecutive objects unless an object references one whose create is still
// pending, then ASIC_DB writes, then the replies. A large batch is cut after
// every ChunkObjects objects so that the ASIC_DB writes and replies of one
// part overlap the HAL write of the next.
func (s *Syncd) processItems(ctx context.Context, items []Item) error {
	b := newBatch(modeNormal)
	objs := 0
	for _, it := range items {
		if err := s.processItem(ctx, b, it); err != nil {
			return err
		}
		objs += max(1, len(it.Fields))
		if objs >= s.cfg.ChunkObjects {
			if err := s.finishBatch(ctx, b); err != nil {
				return err
			}
			b, objs = newBatch(modeNormal), 0
		}
	}
	return s.finishBatch(ctx, b)
}

// finishBatch flushes the HAL write, then hands the ASIC_DB writes and the
// replies to the state writer.
func (s *Syncd) finishBatch(ctx context.Context, b *batch) error {
	if err := s.flushWrite(ctx, b); err != nil {
		return err
	}
	s.stats.flush(s.state)
	var replies []Reply
	if b.mode == modeNormal && len(b.reqs) > 0 {
		replies = make([]Reply, 0, len(b.reqs))
		for _, rs := range b.reqs {
			replies = append(replies, rs.finalReply())
		}
	}
	return s.state.submit(ctx, replies, s.cfg.Responder)
}

func (rs *reqState) finalReply() Reply {
	if rs.reply != nil {
		return *rs.reply
	}
	if !rs.req.bulk() {
		st := halv1.Status_STATUS_FAILURE
		if len(rs.statuses) == 1 {
			st = rs.statuses[0]
		}
		return Reply{Key: statusName(st), Op: opGetResponse}
	}
	overall := halv1.Status_STATUS_SUCCESS
	fields := make([]FV, len(rs.statuses))
	for i, st := range rs.statuses {
		if st != halv1.Status_STATUS_SUCCESS {
			overall = halv1.Status_STATUS_FAILURE
		}
		fields[i] = FV{Field: statusName(st)}
	}
	return Reply{Key: statusName(overall), Op: opGetResponse, Fields: fields}
}

// processItem handles one queue item.
func (s *Syncd) processItem(ctx context.Context, b *batch, it Item) error {
	s.stats.items++
	r, err := parseRequest(it)
	rs := &reqState{req: r}
	b.reqs = append(b.reqs, rs)
	if err != nil {
		s.stats.errors++
		s.log.Error().Str("key", it.Key).Str("op", it.Op).Err(err).Msg("bad queue item")
		st := halv1.Status_STATUS_INVALID_PARAMETER
		if r.op == opNotify || r.op == opGet || r.op == opCreate || r.op == opSet || r.op == opRemove || r.bulk() {
			if t, _, kerr := splitKey(it.Key); kerr == nil {
				if _, ok := objectTypeOf(t); !ok {
					st = halv1.Status_STATUS_INVALID_OBJECT_TYPE
				}
			}
		} else {
			st = halv1.Status_STATUS_NOT_IMPLEMENTED
		}
		rs.reply = &Reply{Key: statusName(st), Op: opGetResponse}
		s.recordError(it.Op, it.Key, st, err.Error())
		if r.bulk() {
			for range it.Fields {
				rs.reply.Fields = append(rs.reply.Fields, FV{Field: statusName(st)})
			}
		}
		return nil
	}
	rs.statuses = make([]halv1.Status, len(r.objects))
	switch r.op {
	case opNotify:
		return s.handleNotify(ctx, b, rs)
	case opGet:
		if err := s.flushWrite(ctx, b); err != nil {
			return err
		}
		rs.reply = s.handleGet(ctx, &r.objects[0])
		return nil
	}
	if s.view != nil && b.mode == modeNormal {
		s.recordTemp(ctx, b, rs)
		return nil
	}
	for i := range r.objects {
		if err := s.prepareObject(ctx, b, rs, i); err != nil {
			return err
		}
	}
	return nil
}

// fail records a refusal of one object (and logs it with its key).
func (s *Syncd) fail(rs *reqState, i int, st halv1.Status, err error) {
	rs.statuses[i] = st
	s.stats.errors++
	o := &rs.req.objects[i]
	s.log.Error().Str("op", rs.req.op).Str("key", o.typeName+":"+o.id).Str("status", statusName(st)).Err(err).Msg("object refused")
	s.recordError(rs.req.op, o.typeName+":"+o.id, st, err.Error())
}

// prepareObject turns object i of a create/remove/set request into a pending
// HAL op, after flushing the write under construction when the object needs
// an object created in it.
func (s *Syncd) prepareObject(ctx context.Context, b *batch, rs *reqState, i int) error {
	o := &rs.req.objects[i]
	t, ok := objectTypeOf(o.typeName)
	if !ok {
		s.fail(rs, i, halv1.Status_STATUS_INVALID_OBJECT_TYPE, fmt.Errorf("unknown object type %q", o.typeName))
		return nil
	}
	key, err := parseObjectID(t, o.id)
	if err != nil {
		s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_PARAMETER), err)
		return nil
	}
	var kind halv1.Op_Kind
	switch rs.req.op {
	case opCreate, opBulkCreate:
		kind = halv1.Op_KIND_CREATE
	case opRemove, opBulkRemove:
		kind = halv1.Op_KIND_REMOVE
	default:
		kind = halv1.Op_KIND_SET
	}
	if t == halv1.ObjectType_OBJECT_TYPE_SWITCH && kind == halv1.Op_KIND_CREATE {
		if err := s.flushWrite(ctx, b); err != nil {
			return err
		}
		rs.statuses[i] = s.createSwitch(ctx, b, o, key.GetOid())
		return nil
	}
	attrs := make([]*halv1.Attribute, 0, len(o.attrs))
	for _, fv := range o.attrs {
		a, err := parseAttr(t, fv.Field, fv.Value)
		if err != nil {
			s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_ATTR_VALUE), fmt.Errorf("attribute %s=%q: %w", fv.Field, fv.Value, err))
			return nil
		}
		attrs = append(attrs, a)
	}
	switch kind {
	case halv1.Op_KIND_CREATE:
		if err := validateCreate(t, attrs); err != nil {
			s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_PARAMETER), err)
			return nil
		}
	case halv1.Op_KIND_SET:
		if len(attrs) != 1 {
			s.fail(rs, i, halv1.Status_STATUS_INVALID_PARAMETER, fmt.Errorf("set carries %d attributes, want 1", len(attrs)))
			return nil
		}
		if err := validateSet(t, attrs[0]); err != nil {
			s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_PARAMETER), err)
			return nil
		}
	}
	op := pendingOp{rs: rs, idx: i, kind: kind, key: key, attr: attrs, obj: o}
	if !isEntryType(t) {
		op.vid = key.GetOid()
		if vt := vidType(op.vid); vt != t {
			s.fail(rs, i, halv1.Status_STATUS_INVALID_OBJECT_ID, fmt.Errorf("object id %s is not a %s", o.id, o.typeName))
			return nil
		}
	}
	// References: the object itself (remove/set of an OID object), the entry
	// key's object ids, and oid attributes.
	refs := keyRefs(key)
	where := make([]string, len(refs), len(refs)+len(attrs))
	for j := range where {
		where[j] = "the key's referenced object"
	}
	if kind != halv1.Op_KIND_CREATE && op.vid != 0 {
		refs = append(refs, op.vid)
		where = append(where, "object")
	}
	for _, a := range attrs {
		n := len(refs)
		refs = appendAttrRefs(refs, a)
		for range refs[n:] {
			where = append(where, "attribute "+a.GetId()+": referenced object")
		}
	}
	flushed := false
	for _, v := range refs {
		if _, pending := b.creating[v]; pending && !flushed {
			if err := s.flushWrite(ctx, b); err != nil {
				return err
			}
			flushed = true
		}
	}
	for j, v := range refs {
		if _, ok := s.ids.rid(v); !ok {
			if _, pending := b.creating[v]; pending {
				continue
			}
			s.fail(rs, i, halv1.Status_STATUS_INVALID_OBJECT_ID, fmt.Errorf("%s %s does not exist", where[j], formatOID(v)))
			return nil
		}
	}
	if kind == halv1.Op_KIND_CREATE && op.vid != 0 {
		_, exists := s.ids.rid(op.vid)
		if _, pending := b.creating[op.vid]; exists || pending {
			s.fail(rs, i, halv1.Status_STATUS_ITEM_ALREADY_EXISTS, fmt.Errorf("object %s already exists", o.id))
			return nil
		}
		b.creating[op.vid] = struct{}{}
	}
	b.pending = append(b.pending, op)
	if len(b.pending) >= s.cfg.MaxWriteOps {
		return s.flushWrite(ctx, b)
	}
	return nil
}

// flushWrite sends the pending ops as one HAL write and applies the results.
func (s *Syncd) flushWrite(ctx context.Context, b *batch) error {
	if len(b.pending) == 0 {
		return nil
	}
	for {
		req, sent := s.translateOps(b)
		var resp *halv1.WriteResponse
		var err error
		if len(req.Ops) > 0 {
			resp, err = s.hal.Write(ctx, req)
			b.writes++
			s.stats.halWrites++
			s.stats.halOps += uint64(len(req.Ops))
			retry, rerr := s.afterCall(ctx, err)
			if rerr != nil {
				return rerr
			}
			if retry {
				continue // translate again with the new RIDs
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.log.Error().Err(err).Int("ops", len(req.Ops)).Msg("HAL write failed")
		}
		for j, p := range sent {
			res := &halv1.Result{Status: halv1.Status_STATUS_FAILURE, Message: fmt.Sprint(err)}
			if err == nil {
				res = resp.GetResults()[j]
			}
			s.applyResult(b, p, res)
		}
		b.pending = b.pending[:0]
		clear(b.creating)
		return nil
	}
}

// translateOps builds the HAL request from the pending ops, VIDs → RIDs.
// Ops whose references vanished get INVALID_OBJECT_ID and are left out.
func (s *Syncd) translateOps(b *batch) (*halv1.WriteRequest, []pendingOp) {
	req := &halv1.WriteRequest{Ops: make([]*halv1.Op, 0, len(b.pending)), Mode: halv1.WriteRequest_MODE_CONTINUE}
	sent := b.pending[:0:0]
	for _, p := range b.pending {
		op, err := s.toRID(p)
		if err != nil {
			if p.rs != nil {
				s.fail(p.rs, p.idx, halv1.Status_STATUS_INVALID_OBJECT_ID, err)
			}
			continue
		}
		req.Ops = append(req.Ops, op)
		sent = append(sent, p)
	}
	return req, sent
}

func (s *Syncd) toRID(p pendingOp) (*halv1.Op, error) {
	var key *halv1.ObjectKey
	if p.kind == halv1.Op_KIND_CREATE && p.vid != 0 {
		key = &halv1.ObjectKey{Type: p.key.GetType()} // the platform allocates the id
	} else {
		var err error
		if key, err = mapKey(p.key, s.ids.rid); err != nil {
			return nil, err
		}
	}
	attrs := p.attr
	copied := false
	for i, a := range p.attr {
		m, err := mapAttr(a, s.ids.rid)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.GetId(), err)
		}
		if m != a {
			if !copied {
				attrs = append([]*halv1.Attribute(nil), p.attr...)
				copied = true
			}
			attrs[i] = m
		}
	}
	return &halv1.Op{Kind: p.kind, Key: key, Attrs: attrs}, nil
}

// applyResult records the platform's answer for one op: maps, ASIC_DB.
func (s *Syncd) applyResult(b *batch, p pendingOp, res *halv1.Result) {
	st := res.GetStatus()
	if p.rs != nil {
		p.rs.statuses[p.idx] = st
	}
	if st != halv1.Status_STATUS_SUCCESS {
		s.stats.errors++
		s.stats.platformRefusals++
		s.log.Error().Str("op", p.kind.String()).Str("key", p.obj.typeName+":"+p.obj.id).
			Str("status", statusName(st)).Str("reason", res.GetMessage()).Msg("platform refused")
		op := ""
		if p.rs != nil {
			op = p.rs.req.op
		}
		s.recordError(op, p.obj.typeName+":"+p.obj.id, st, "platform: "+res.GetMessage())
		return
	}
	if len(s.errKeys) > 0 {
		s.clearError(p.obj.typeName + ":" + p.obj.id)
	}
	switch p.kind {
	case halv1.Op_KIND_CREATE:
		s.stats.creates++
		if p.vid != 0 {
			s.ids.put(p.vid, res.GetOid())
			s.state.mapPut(p.vid, res.GetOid())
		}
		if b.mode == modeNormal {
			s.state.create(p.obj.typeName, p.obj.id, p.obj.attrs)
		}
	case halv1.Op_KIND_REMOVE:
		s.stats.removes++
		if p.vid != 0 {
			if rid, ok := s.ids.delVID(p.vid); ok {
				s.state.mapDel(p.vid, rid)
			}
			if _, wasCold := s.cold[p.vid]; wasCold {
				delete(s.cold, p.vid)
				s.state.asicPipe.HDel(context.Background(), keyColdVIDs, formatOID(p.vid))
			}
		}
		if b.mode == modeNormal {
			s.state.remove(p.obj.typeName, p.obj.id)
		}
	case halv1.Op_KIND_SET:
		s.stats.sets++
		if b.mode == modeNormal {
			s.state.set(p.obj.typeName, p.obj.id, p.obj.attrs)
		}
	}
}
