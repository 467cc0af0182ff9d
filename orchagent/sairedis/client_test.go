package sairedis_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// fakeSyncd pops ASIC_STATE and answers on GETRESPONSE like syncd: one
// reply per request, bulk replies with one status per object. Objects whose
// id is in refuse get SAI_STATUS_TABLE_FULL; while mute is set requests are
// recorded and answered only when unmuted.
type fakeSyncd struct {
	mu      sync.Mutex
	seen    []swss.KeyOpFieldValues
	refuse  map[string]bool
	mute    bool
	held    []swss.KeyOpFieldValues
	getAttr swss.FieldValues
	out     *swss.ProducerTable
}

func startFakeSyncd(t testing.TB, asic *swss.DB) *fakeSyncd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in, err := swss.NewConsumerTable(ctx, asic, sairedis.AsicStateTable)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSyncd{refuse: map[string]bool{}, out: swss.NewProducerTable(asic, sairedis.GetResponseTable)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			items, err := in.Pops(ctx)
			if err != nil {
				return
			}
			f.mu.Lock()
			f.seen = append(f.seen, items...)
			if f.mute {
				f.held = append(f.held, items...)
				f.mu.Unlock()
				continue
			}
			f.mu.Unlock()
			f.answer(ctx, items)
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait(); in.Close() })
	return f
}

func (f *fakeSyncd) answer(ctx context.Context, items []swss.KeyOpFieldValues) {
	var replies []swss.QueueEntry
	f.mu.Lock()
	for _, it := range items {
		r := swss.QueueEntry{Key: sairedis.StatusSuccess, Op: "getresponse"}
		switch {
		case strings.HasPrefix(it.Op, "bulk"):
			for _, fv := range it.Fields {
				st := sairedis.StatusSuccess
				if f.refuse[fv.Field] {
					st, r.Key = "SAI_STATUS_TABLE_FULL", "SAI_STATUS_FAILURE"
				}
				r.Fields = append(r.Fields, swss.FieldValue{Field: st})
			}
		case it.Op == "get":
			r.Fields = f.getAttr
		case it.Op == "notify":
			r.Op = "notify"
		default:
			_, id, _ := strings.Cut(it.Key, ":")
			if f.refuse[id] {
				r.Key = "SAI_STATUS_TABLE_FULL"
			}
		}
		replies = append(replies, r)
	}
	f.mu.Unlock()
	f.out.Send(ctx, replies)
}

func (f *fakeSyncd) refuseID(id string) {
	f.mu.Lock()
	f.refuse[id] = true
	f.mu.Unlock()
}

func (f *fakeSyncd) release(ctx context.Context) {
	f.mu.Lock()
	held := f.held
	f.held, f.mute = nil, false
	f.mu.Unlock()
	f.answer(ctx, held)
}

func (f *fakeSyncd) requests() []swss.KeyOpFieldValues {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]swss.KeyOpFieldValues(nil), f.seen...)
}

func openClient(t testing.TB, timeout time.Duration) (*sairedis.Client, *fakeSyncd, *swss.DB) {
	t.Helper()
	srv := redistest.Start(t)
	asic := srv.DB(swss.AsicDB)
	f := startFakeSyncd(t, asic)
	c, err := sairedis.Open(context.Background(), asic, sairedis.Config{Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, f, asic
}

func TestFlushBulkStatusesInOrder(t *testing.T) {
	c, f, asic := openClient(t, time.Minute)
	ctx := context.Background()
	b := c.Batch()
	var vids []uint64
	for i := 0; i < 3; i++ {
		v, err := b.Create(ctx, halv1.ObjectType_OBJECT_TYPE_VLAN, sairedis.U32("SAI_VLAN_ATTR_VLAN_ID", uint32(10+i)))
		if err != nil {
			t.Fatal(err)
		}
		vids = append(vids, v)
	}
	b.Set(sairedis.ObjectKey(vids[0]), sairedis.U32("SAI_VLAN_ATTR_MAX_LEARNED_ADDRESSES", 5))
	f.refuseID(sairedis.FormatOID(vids[1]))
	res, err := b.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 || res[0].Err != nil || res[2].Err != nil || res[3].Err != nil {
		t.Fatalf("results %+v", res)
	}
	if sairedis.StatusOf(res[1].Err) != "SAI_STATUS_TABLE_FULL" || !strings.Contains(res[1].Err.Error(), res[1].Key) {
		t.Fatalf("refused object: %v", res[1].Err)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].Op != "bulkcreate" || reqs[0].Key != "SAI_OBJECT_TYPE_VLAN:3" || reqs[1].Op != "set" {
		t.Fatalf("requests %+v", reqs)
	}
	if reqs[0].Fields[1] != (swss.FieldValue{Field: sairedis.FormatOID(vids[1]), Value: "SAI_VLAN_ATTR_VLAN_ID=11"}) {
		t.Fatalf("bulk field %+v", reqs[0].Fields[1])
	}
	n, _ := asic.Client.Get(ctx, "VIDCOUNTER").Int64()
	if n != 256 {
		t.Fatalf("VIDCOUNTER = %d, want one chunk of 256", n)
	}
	if b.Len() != 0 {
		t.Fatal("batch not reset")
	}
}

func TestGetAndNotify(t *testing.T) {
	c, f, _ := openClient(t, time.Minute)
	ctx := context.Background()
	f.mu.Lock()
	f.getAttr = swss.FieldValues{{Field: "SAI_SWITCH_ATTR_CPU_PORT", Value: "oid:0x1000000000001"}}
	f.mu.Unlock()
	if err := c.NotifyInitView(ctx); err != nil {
		t.Fatal(err)
	}
	attrs, err := c.Get(ctx, sairedis.ObjectKey(c.SwitchID()), "SAI_SWITCH_ATTR_CPU_PORT")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := sairedis.Lookup(attrs, "SAI_SWITCH_ATTR_CPU_PORT"); v != "oid:0x1000000000001" {
		t.Fatalf("get %+v", attrs)
	}
	reqs := f.requests()
	if reqs[0].Key != "INIT_VIEW" || reqs[0].Op != "notify" || reqs[1].Op != "get" || reqs[1].Key != "SAI_OBJECT_TYPE_SWITCH:oid:0x21000000000000" {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestTimeoutThenLateRepliesAreSkipped(t *testing.T) {
	c, f, _ := openClient(t, 200*time.Millisecond)
	ctx := context.Background()
	f.mu.Lock()
	f.mute = true
	f.mu.Unlock()
	b := c.Batch()
	k := sairedis.ObjectKey(sairedis.MakeVID(0, halv1.ObjectType_OBJECT_TYPE_VLAN, 99))
	b.Remove(k)
	res, err := b.Flush(ctx)
	if !errors.Is(err, sairedis.ErrTimeout) || res[0].Err == nil {
		t.Fatalf("want timeout, got %v %+v", err, res)
	}
	// The late reply arrives; the next exchange must not take it for its own.
	f.release(ctx)
	f.refuseID(sairedis.FormatOID(sairedis.MakeVID(0, halv1.ObjectType_OBJECT_TYPE_VLAN, 100)))
	b.Remove(sairedis.ObjectKey(sairedis.MakeVID(0, halv1.ObjectType_OBJECT_TYPE_VLAN, 100)))
	res, err = b.Flush(ctx)
	if err != nil || sairedis.StatusOf(res[0].Err) != "SAI_STATUS_TABLE_FULL" {
		t.Fatalf("after recovery: %v %+v", err, res)
	}
}

func TestManyObjectsOneExchange(t *testing.T) {
	c, f, _ := openClient(t, time.Minute)
	ctx := context.Background()
	b := c.Batch()
	for i := 0; i < 1000; i++ {
		if _, err := b.Create(ctx, halv1.ObjectType_OBJECT_TYPE_VLAN, sairedis.U32("SAI_VLAN_ATTR_VLAN_ID", uint32(i+2))); err != nil {
			t.Fatal(err)
		}
	}
	res, err := b.Flush(ctx)
	if err != nil || len(res) != 1000 {
		t.Fatal(err, len(res))
	}
	if reqs := f.requests(); len(reqs) != 1 || reqs[0].Key != "SAI_OBJECT_TYPE_VLAN:"+strconv.Itoa(1000) {
		t.Fatalf("%d requests", len(reqs))
	}
}
