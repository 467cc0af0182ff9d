package vs

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vltgw/vltgw/hal/sai"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// ControlServer serves a Switch's test-control service (vsv1).
type ControlServer struct {
	vsv1.UnimplementedVsControlServer
	sw *Switch
}

// NewControlServer wraps a switch.
func NewControlServer(sw *Switch) *ControlServer { return &ControlServer{sw: sw} }

func (c *ControlServer) SetLink(_ context.Context, req *vsv1.SetLinkRequest) (*vsv1.SetLinkResponse, error) {
	if err := c.sw.SetLink(req.GetPort(), req.GetUp()); err != nil {
		return nil, grpcError(err)
	}
	return &vsv1.SetLinkResponse{}, nil
}

func (c *ControlServer) Inject(_ context.Context, req *vsv1.InjectRequest) (*vsv1.InjectResponse, error) {
	if err := c.sw.Inject(req.GetPort(), req.GetFrame()); err != nil {
		return nil, grpcError(err)
	}
	return &vsv1.InjectResponse{}, nil
}

func (c *ControlServer) Captured(_ context.Context, req *vsv1.CapturedRequest) (*vsv1.CapturedResponse, error) {
	frames, err := c.sw.Captured(req.GetPort(), req.GetClear())
	if err != nil {
		return nil, grpcError(err)
	}
	resp := &vsv1.CapturedResponse{Frames: make([]*vsv1.CapturedFrame, len(frames))}
	for i, f := range frames {
		resp.Frames[i] = &vsv1.CapturedFrame{Port: f.Port, Frame: f.Frame, UnixNanos: f.At.UnixNano()}
	}
	return resp, nil
}

func (c *ControlServer) Counters(context.Context, *vsv1.CountersRequest) (*vsv1.CountersResponse, error) {
	ports, stages := c.sw.Counters()
	resp := &vsv1.CountersResponse{Stages: stages}
	for _, p := range ports {
		resp.Ports = append(resp.Ports, &vsv1.PortCounters{Port: p.Port, RxFrames: p.RxFrames, TxFrames: p.TxFrames, RxDropped: p.RxDropped})
	}
	return resp, nil
}

// grpcError maps the switch's errors to gRPC statuses.
func grpcError(err error) error {
	var se *sai.StatusError
	switch {
	case errors.Is(err, ErrUnknownPort):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, ErrOversize), errors.Is(err, ErrShortFrame), errors.As(err, &se):
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}
