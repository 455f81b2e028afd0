package options

import (
	"fmt"
	"regexp"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// Executor names, as in k6.
const (
	SharedIterations      = "shared-iterations"
	PerVUIterations       = "per-vu-iterations"
	ConstantVUs           = "constant-vus"
	RampingVUs            = "ramping-vus"
	ConstantArrivalRate   = "constant-arrival-rate"
	RampingArrivalRate    = "ramping-arrival-rate"
	ExternallyControlled  = "externally-controlled"
	defaultGracefulStop   = 30 * time.Second
	defaultMaxDuration    = 10 * time.Minute
	defaultGracefulRampDn = 30 * time.Second
)

// Scenario is one entry of `options.scenarios`. Which fields apply depends on Executor;
// fillAndValidate sets the defaults and refuses fields the executor does not take.
type Scenario struct {
	Executor     string            `json:"executor"`
	StartTime    Duration          `json:"startTime"`
	GracefulStop *Duration         `json:"gracefulStop,omitempty"`
	Exec         string            `json:"exec,omitempty"`
	Env          map[string]string `json:"env,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`

	VUs         *int64    `json:"vus,omitempty"`
	Iterations  *int64    `json:"iterations,omitempty"`
	MaxDuration *Duration `json:"maxDuration,omitempty"`
	Duration    *Duration `json:"duration,omitempty"`

	StartVUs         *int64    `json:"startVUs,omitempty"`
	Stages           []Stage   `json:"stages,omitempty"`
	GracefulRampDown *Duration `json:"gracefulRampDown,omitempty"`

	Rate            *int64    `json:"rate,omitempty"`
	StartRate       *int64    `json:"startRate,omitempty"`
	TimeUnit        *Duration `json:"timeUnit,omitempty"`
	PreAllocatedVUs *int64    `json:"preAllocatedVUs,omitempty"`
	MaxVUs          *int64    `json:"maxVUs,omitempty"`
}

var scenarioNameRE = regexp.MustCompile(`^[0-9a-zA-Z_-]+$`)

// fields each executor takes besides the common ones.
var executorFields = map[string][]string{
	SharedIterations:     {"vus", "iterations", "maxDuration"},
	PerVUIterations:      {"vus", "iterations", "maxDuration"},
	ConstantVUs:          {"vus", "duration"},
	RampingVUs:           {"startVUs", "stages", "gracefulRampDown"},
	ConstantArrivalRate:  {"rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"},
	RampingArrivalRate:   {"startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"},
	ExternallyControlled: {"vus", "maxVUs", "duration"},
}

func (s *Scenario) set() map[string]bool {
	return map[string]bool{
		"vus": s.VUs != nil, "iterations": s.Iterations != nil, "maxDuration": s.MaxDuration != nil,
		"duration": s.Duration != nil, "startVUs": s.StartVUs != nil, "stages": s.Stages != nil,
		"gracefulRampDown": s.GracefulRampDown != nil, "rate": s.Rate != nil, "startRate": s.StartRate != nil,
		"timeUnit": s.TimeUnit != nil, "preAllocatedVUs": s.PreAllocatedVUs != nil, "maxVUs": s.MaxVUs != nil,
	}
}

func i64(v int64) *int64            { return &v }
func dur(d time.Duration) *Duration { x := Duration(d); return &x }

func (s *Scenario) fillAndValidate(name string) []error {
	var errs []error
	bad := func(field string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("scenario %q, option %q: %s", name, field, fmt.Sprintf(format, args...)))
	}
	if !scenarioNameRE.MatchString(name) {
		errs = append(errs, fmt.Errorf("scenario name %q: use letters, digits, - and _", name))
	}
	fields, ok := executorFields[s.Executor]
	if !ok {
		bad("executor", "%q is not an executor; use one of shared-iterations, per-vu-iterations, constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate, externally-controlled", s.Executor)
		return errs
	}
	allowed := map[string]bool{}
	for _, f := range fields {
		allowed[f] = true
	}
	for f, isSet := range s.set() {
		if isSet && !allowed[f] {
			bad(f, "the %s executor does not take it", s.Executor)
		}
	}
	if s.GracefulStop == nil {
		s.GracefulStop = dur(defaultGracefulStop)
	}
	if s.Exec == "" {
		s.Exec = "default"
	}
	positive := func(field string, v *int64, min int64) {
		if v != nil && *v < min {
			bad(field, "%d must be at least %d", *v, min)
		}
	}
	switch s.Executor {
	case SharedIterations, PerVUIterations:
		if s.VUs == nil {
			s.VUs = i64(1)
		}
		if s.Iterations == nil {
			s.Iterations = i64(1)
		}
		if s.MaxDuration == nil || *s.MaxDuration == 0 {
			s.MaxDuration = dur(defaultMaxDuration)
		}
		positive("vus", s.VUs, 1)
		positive("iterations", s.Iterations, 1)
		if s.Executor == SharedIterations && *s.Iterations < *s.VUs && *s.Iterations >= 1 {
			bad("iterations", "%d is less than vus (%d): every VU needs at least one iteration", *s.Iterations, *s.VUs)
		}
	case ConstantVUs:
		if s.VUs == nil {
			s.VUs = i64(1)
		}
		positive("vus", s.VUs, 1)
		if s.Duration == nil || *s.Duration <= 0 {
			bad("duration", "is required and must be more than 0")
		}
	case RampingVUs:
		if s.StartVUs == nil {
			s.StartVUs = i64(1)
		}
		if s.GracefulRampDown == nil {
			s.GracefulRampDown = dur(defaultGracefulRampDn)
		}
		positive("startVUs", s.StartVUs, 0)
		if len(s.Stages) == 0 {
			bad("stages", "at least one stage is required")
		}
		for i, st := range s.Stages {
			if st.Target < 0 {
				bad("stages", "stage %d: target %d is negative", i, st.Target)
			}
		}
	case ConstantArrivalRate, RampingArrivalRate:
		if s.TimeUnit == nil || *s.TimeUnit == 0 {
			s.TimeUnit = dur(time.Second)
		}
		if s.PreAllocatedVUs == nil {
			bad("preAllocatedVUs", "is required")
		} else {
			positive("preAllocatedVUs", s.PreAllocatedVUs, 0)
		}
		if s.MaxVUs == nil && s.PreAllocatedVUs != nil {
			s.MaxVUs = i64(*s.PreAllocatedVUs)
		}
		if s.MaxVUs != nil && s.PreAllocatedVUs != nil && *s.MaxVUs < *s.PreAllocatedVUs {
			bad("maxVUs", "%d is less than preAllocatedVUs (%d)", *s.MaxVUs, *s.PreAllocatedVUs)
		}
		if s.Executor == ConstantArrivalRate {
			if s.Rate == nil {
				bad("rate", "is required")
			} else {
				positive("rate", s.Rate, 1)
			}
			if s.Duration == nil || *s.Duration <= 0 {
				bad("duration", "is required and must be more than 0")
			}
		} else {
			if s.StartRate == nil {
				s.StartRate = i64(0)
			}
			positive("startRate", s.StartRate, 0)
			if len(s.Stages) == 0 {
				bad("stages", "at least one stage is required")
			}
			for i, st := range s.Stages {
				if st.Target < 0 {
					bad("stages", "stage %d: target rate %d is negative", i, st.Target)
				}
			}
		}
	case ExternallyControlled:
		if s.VUs == nil {
			s.VUs = i64(1)
		}
		if s.MaxVUs == nil {
			s.MaxVUs = i64(*s.VUs)
		}
		positive("vus", s.VUs, 0)
		if *s.MaxVUs < *s.VUs {
			bad("maxVUs", "%d is less than vus (%d)", *s.MaxVUs, *s.VUs)
		}
		if s.Duration == nil || *s.Duration <= 0 {
			bad("duration", "is required and must be more than 0")
		}
	}
	for k, v := range s.Tags {
		if k == "" {
			bad("tags", "an empty tag name (value %q)", v)
		}
	}
	return errs
}

// PeakVUs is the most VUs the scenario can use at once.
func (s Scenario) PeakVUs() int64 {
	switch s.Executor {
	case RampingVUs:
		m := *s.StartVUs
		for _, st := range s.Stages {
			m = max(m, st.Target)
		}
		return m
	case ConstantArrivalRate, RampingArrivalRate, ExternallyControlled:
		return *s.MaxVUs
	}
	return *s.VUs
}

// MaxTime is how long the scenario can last, its graceful stop included, from its start.
func (s Scenario) MaxTime() time.Duration {
	var d time.Duration
	switch s.Executor {
	case SharedIterations, PerVUIterations:
		d = s.MaxDuration.D()
	case ConstantVUs, ConstantArrivalRate, ExternallyControlled:
		d = s.Duration.D()
	case RampingVUs, RampingArrivalRate:
		for _, st := range s.Stages {
			d += st.Duration.D()
		}
		if s.GracefulRampDown != nil {
			d += s.GracefulRampDown.D()
		}
	}
	return d + s.GracefulStop.D()
}

func validTrendStat(s string) error {
	_, err := metrics.ParseTrendStat(s)
	return err
}

// MaxConcurrentVUs is how many VUs the run needs: at each scenario's start, the VUs of every
// scenario that may still run then (its startTime plus MaxTime, which includes its graceful
// stop), the largest such sum. Scenarios that cannot overlap share VUs. With an execution
// segment, each scenario counts with this instance's part of its VUs.
func (o Options) MaxConcurrentVUs() int64 {
	var peak int64
	for _, a := range o.Scenarios {
		var sum int64
		at := a.StartTime.D()
		for _, b := range o.Scenarios {
			if start := b.StartTime.D(); start <= at && at < start+b.MaxTime() {
				sum += b.PeakVUsIn(o.segment)
			}
		}
		peak = max(peak, sum)
	}
	return peak
}
