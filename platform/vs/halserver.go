package vs

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// HALServer serves a Switch as halv1.HalServer. Every malformed request
// gets a status in its response (per op for Write); no input ends the
// server.
//
// Write, Get, GetStats and List check the session the client sent
// (metadata x-hal-session, see service Hal in hal.proto) before anything
// else: a request for another session is refused with FailedPrecondition
// (halv1.SessionMismatch) and nothing is applied; a request without one is
// served. A switch's session never changes (a restart is a new Switch), so
// the check cannot race with a restart.
type HALServer struct {
	halv1.UnimplementedHalServer
	sw *Switch
}

// NewHALServer wraps a switch.
func NewHALServer(sw *Switch) *HALServer { return &HALServer{sw: sw} }

// Hello is logged at debug: clients ask again on every reconnect.
func (h *HALServer) Hello(_ context.Context, req *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	h.sw.log.Debug().Str("client", req.GetClient()).Msg("hello")
	return h.sw.Hello(), nil
}

func (h *HALServer) Capabilities(context.Context, *halv1.CapabilitiesRequest) (*halv1.CapabilitiesResponse, error) {
	return h.sw.Capabilities(), nil
}

func (h *HALServer) Write(ctx context.Context, req *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	if err := h.checkSession(ctx); err != nil {
		return nil, err
	}
	return h.sw.Write(req), nil
}

func (h *HALServer) Get(ctx context.Context, req *halv1.GetRequest) (*halv1.GetResponse, error) {
	if err := h.checkSession(ctx); err != nil {
		return nil, err
	}
	return h.sw.Get(req.GetKey(), req.GetAttrIds()...), nil
}

func (h *HALServer) GetStats(ctx context.Context, req *halv1.GetStatsRequest) (*halv1.GetStatsResponse, error) {
	if err := h.checkSession(ctx); err != nil {
		return nil, err
	}
	return h.sw.Stats(req.GetKey(), req.GetCounterIds()...), nil
}

// checkSession refuses a request made for another platform session.
func (h *HALServer) checkSession(ctx context.Context) error {
	err := halv1.CheckSession(ctx, h.sw.Session())
	if err != nil {
		h.sw.log.Warn().Err(err).Msg("request for another session refused")
	}
	return err
}

// List streams a snapshot; an unknown type ends the stream with
// InvalidArgument naming it.
func (h *HALServer) List(req *halv1.ListRequest, stream grpc.ServerStreamingServer[halv1.Object]) error {
	if err := h.checkSession(stream.Context()); err != nil {
		return err
	}
	objs, err := h.sw.List(req.GetType())
	if err != nil {
		return grpcError(err)
	}
	for _, o := range objs {
		if err := stream.Send(o); err != nil {
			return err
		}
	}
	return nil
}

// Subscribe streams events: first the ports' current oper status, then
// every change, FDB event and, on stop, the switch shutdown.
func (h *HALServer) Subscribe(_ *halv1.SubscribeRequest, stream grpc.ServerStreamingServer[halv1.Event]) error {
	sub, cancel := h.sw.events.subscribe()
	defer cancel()
	h.sw.mu.RLock()
	var initial []*halv1.Event
	for _, p := range h.sw.ports {
		initial = append(initial, &halv1.Event{Event: &halv1.Event_PortOperStatus{
			PortOperStatus: &halv1.PortOperStatusEvent{PortId: p.obj.oid, Up: p.operUp}}})
	}
	h.sw.mu.RUnlock()
	for _, ev := range initial {
		if err := stream.Send(ev); err != nil {
			return err
		}
	}
	send := func() (bool, error) {
		for _, ev := range sub.take() {
			if err := stream.Send(ev); err != nil {
				return true, err
			}
			if ev.GetSwitchShutdown() != nil {
				return true, nil
			}
		}
		return false, nil
	}
	for {
		select {
		case <-stream.Context().Done():
			return stream.Context().Err()
		case <-h.sw.Done():
			_, err := send()
			return err
		case <-sub.wake:
			if done, err := send(); done {
				return err
			}
		}
	}
}

// PacketIO sends punted frames to the client and the client's frames out
// of their ports as they are. A frame that cannot be sent (unknown port,
// oversized, port down) is logged and counted; the stream goes on.
func (h *HALServer) PacketIO(stream grpc.BidiStreamingServer[halv1.PacketOut, halv1.PacketIn]) error {
	sub, cancel := h.sw.punts.subscribe()
	defer cancel()
	ctx := stream.Context()
	recvErr := make(chan error, 1)
	go func() {
		for {
			out, err := stream.Recv()
			if err != nil {
				recvErr <- err
				return
			}
			if err := h.sw.SendOut(out.GetEgressPort(), out.GetFrame()); err != nil {
				h.sw.packetOutErrors.Add(1)
				h.sw.log.Warn().Err(err).Msg("PacketIO frame not sent")
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-h.sw.Done():
			return nil
		case err := <-recvErr:
			if errors.Is(err, io.EOF) {
				recvErr = nil // the client stopped sending; keep delivering
				continue
			}
			return err
		case <-sub.wake:
			for _, in := range sub.take() {
				if err := stream.Send(in); err != nil {
					return err
				}
			}
		}
	}
}
