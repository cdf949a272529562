// Package metrics is what an operator runs vpsops replicas by: the
// Prometheus figures of one process, on a registry of its own (never the
// global default one, so two Apps in one test process keep their figures
// apart), served at /metrics beside /healthz and /readyz.
//
// Nothing here reaches into the layers it measures: each layer takes a
// small observer in its Options (commands.Observer, providers.Observer,
// audit.Options.OnCommit, chat.AckObserver) and *Metrics satisfies them
// all. A layer given no observer measures nothing.
//
// Label values are bounded: command names come from the command registry,
// error classes from internal/fault, provider names from the
// configuration, never text a user typed.
package metrics

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vpsops/vpsops/internal/approval"
)

// Metrics holds one process's figures. Its methods may be called on a nil
// *Metrics, and then do nothing.
type Metrics struct {
	reg *prometheus.Registry

	commands      *prometheus.CounterVec
	gate          *prometheus.CounterVec
	providerCalls *prometheus.CounterVec
	providerTime  *prometheus.HistogramVec
	auditAppend   prometheus.Histogram
	duty          *prometheus.GaugeVec
	acks          *prometheus.CounterVec
	ackTime       *prometheus.HistogramVec
}

// New makes the figures of one process on a fresh registry, with the Go
// runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpsops_commands_total",
			Help: "Commands this process ended, by command and outcome (ok, error, interrupted, rejected, denied, needs_confirm, needs_approval).",
		}, []string{"command", "outcome"}),
		gate: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpsops_gate_transitions_total",
			Help: "Gated-request transitions this process made (created, confirmed, approved, denied, cancelled, executing, finished, expired, interrupted).",
		}, []string{"event"}),
		providerCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpsops_provider_calls_total",
			Help: "Calls to provider APIs (retries included in one call), by provider instance, operation and error class (ok on success).",
		}, []string{"provider", "op", "class"}),
		providerTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vpsops_provider_call_duration_seconds",
			Help:    "Time one provider call took, retries and their waits included.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30},
		}, []string{"provider", "op"}),
		auditAppend: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vpsops_audit_append_duration_seconds",
			Help: "Time one audit batch took to commit (a batch holds every record queued meanwhile).",
			// 0.5 ms to about 1 s: a commit holds the database's write lock.
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12),
		}),
		duty: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vpsops_duty_held",
			Help: "1 while this replica holds the singleton duty, else 0.",
		}, []string{"duty"}),
		acks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vpsops_chat_acks_total",
			Help: "Requests from a chat platform this process acknowledged, by platform and kind (command, press, autocomplete, ping, other, refused).",
		}, []string{"platform", "kind"}),
		ackTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "vpsops_chat_ack_duration_seconds",
			Help: "Time from a chat platform's request arriving to its acknowledgement being sent (Slack and Discord allow 3 s).",
			// Dense below Slack's and Discord's 3-second limit.
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5},
		}, []string{"platform"}),
	}
	// Every transition is there from the first scrape, at 0, so that an
	// alert on its increase has a series to start from.
	for _, ev := range []approval.Event{approval.EventCreated, approval.EventConfirmed, approval.EventApproved,
		approval.EventDenied, approval.EventCancelled, approval.EventExecuting, approval.EventFinished,
		approval.EventExpired, approval.EventInterrupted} {
		m.gate.WithLabelValues(string(ev))
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.commands, m.gate, m.providerCalls, m.providerTime, m.auditAppend, m.duty, m.acks, m.ackTime,
	)
	return m
}

// Registry is the process's registry, for tests and further collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format. A
// collector that fails (the approval store unreachable) drops its own
// figures from the scrape, logged to log; the rest are still served.
func (m *Metrics) Handler(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		Registry:      m.reg, // promhttp_metric_handler_errors_total
	})
}

// CommandFinished counts a command that ended with outcome (see
// commands.Observer).
func (m *Metrics) CommandFinished(command, outcome string) {
	if m == nil {
		return
	}
	m.commands.WithLabelValues(command, outcome).Inc()
}

// GateTransition counts a transition of a gated request this process made
// (see commands.Observer).
func (m *Metrics) GateTransition(event string) {
	if m == nil {
		return
	}
	m.gate.WithLabelValues(event).Inc()
}

// ProviderCall counts one provider call and its duration; class is "ok"
// on success, else the fault class (see providers.Observer).
func (m *Metrics) ProviderCall(provider, op, class string, took time.Duration) {
	if m == nil {
		return
	}
	if class == "" {
		class = "ok"
	}
	m.providerCalls.WithLabelValues(provider, op, class).Inc()
	m.providerTime.WithLabelValues(provider, op).Observe(took.Seconds())
}

// AuditCommitted records one audit batch commit (audit.Options.OnCommit).
func (m *Metrics) AuditCommitted(_ int, took time.Duration) {
	if m == nil {
		return
	}
	m.auditAppend.Observe(took.Seconds())
}

// SetDuty says whether this replica holds the singleton duty name (the
// approval poster, the sweeper): leader election calls it on every change.
func (m *Metrics) SetDuty(name string, held bool) {
	if m == nil {
		return
	}
	v := 0.0
	if held {
		v = 1
	}
	m.duty.WithLabelValues(name).Set(v)
}

// ChatAck counts one acknowledgement to a chat platform and how long the
// platform waited for it (see chat.AckObserver).
func (m *Metrics) ChatAck(platform, kind string, took time.Duration) {
	if m == nil {
		return
	}
	m.acks.WithLabelValues(platform, kind).Inc()
	m.ackTime.WithLabelValues(platform).Observe(took.Seconds())
}
