package peer

import (
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// serving is the health of every service the server serves, set at once.
type serving struct {
	health   *health.Server
	services []string
}

func newServing(services ...string) *serving {
	// "" is the server as a whole, which health-checking clients ask about.
	return &serving{health: health.NewServer(), services: append([]string{""}, services...)}
}

func (s *serving) set(up bool) {
	state := healthpb.HealthCheckResponse_NOT_SERVING
	if up {
		state = healthpb.HealthCheckResponse_SERVING
	}
	for _, service := range s.services {
		s.health.SetServingStatus(service, state)
	}
}

// shutDown reports NOT_SERVING for good: SetServing can no longer turn it back.
func (s *serving) shutDown() {
	s.health.Shutdown()
}
