package smoke

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Outcome is a step's result.
type Outcome string

// The outcomes of a step.
const (
	OK      Outcome = "ok"
	Failed  Outcome = "FAIL"
	Skipped Outcome = "skipped"
)

// StepResult is what one step of one run came to.
type StepResult struct {
	// Step and Action name the step and the action it performed ("" for
	// none); Fault is the fault it ran under.
	Step   string `json:"step"`
	Action string `json:"action,omitempty"`
	Fault  Fault  `json:"fault"`
	// Outcome is ok, FAIL or skipped.
	Outcome Outcome `json:"outcome"`
	// Expected and Got say, for a failure, what the first failed check
	// wanted and found.
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	// Detail says what was seen (ok), why it was skipped, or more about a
	// failure.
	Detail string `json:"detail,omitempty"`
	// Duration is how long the step took on the run's clock.
	Duration time.Duration `json:"duration_ns"`
}

// RunResult is one target's run of its plan.
type RunResult struct {
	// Provider is the provider's name; Mode "plain" or "faults".
	Provider string `json:"provider"`
	Mode     string `json:"mode"`
	// Skip is why the whole target was skipped ("" when it ran).
	Skip  string       `json:"skip,omitempty"`
	Steps []StepResult `json:"steps,omitempty"`
	// Leftovers are the resources of the run's host still at the provider
	// after its cleanup: empty unless something could not be deleted.
	Leftovers []string `json:"leftovers,omitempty"`
}

// Report is a whole smoke run.
type Report struct {
	Runs []RunResult `json:"runs"`
	// Passed, Failed and Skipped count the steps (a skipped target counts
	// one skipped step); a run with leftovers counts one more failure.
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// OK reports whether nothing failed.
func (r Report) OK() bool { return r.Failed == 0 }

// count adds run's outcomes to the totals.
func (r *Report) count(run RunResult) {
	if run.Skip != "" {
		r.Skipped++
	}
	for _, s := range run.Steps {
		switch s.Outcome {
		case OK:
			r.Passed++
		case Failed:
			r.Failed++
		default:
			r.Skipped++
		}
	}
	if len(run.Leftovers) > 0 {
		r.Failed++
	}
}

// WriteTable writes the report as a table — provider, mode, step, action,
// fault, outcome, duration and detail, one line per step — followed by the
// leftovers, the number of skipped steps and, last, the line
// "smoke: N passed, M failed".
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tMODE\tSTEP\tACTION\tFAULT\tRESULT\tDURATION\tDETAIL")
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, run := range r.Runs {
		if run.Skip != "" {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t%s\t-\t%s\n", run.Provider, run.Mode, Skipped, oneLine(run.Skip))
			continue
		}
		for _, s := range run.Steps {
			fault, dur := "-", "-"
			if s.Fault != FaultNone {
				fault = s.Fault.String()
			}
			if s.Outcome != Skipped {
				dur = s.Duration.Round(time.Second).String()
			}
			detail := s.Detail
			if s.Outcome == Failed {
				detail = fmt.Sprintf("expected %s, got %s", s.Expected, s.Got)
				if s.Detail != "" {
					detail += ": " + s.Detail
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", run.Provider, run.Mode, s.Step, dash(s.Action), fault, s.Outcome, dur, oneLine(detail))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, run := range r.Runs {
		for _, l := range run.Leftovers {
			fmt.Fprintf(w, "left behind (%s %s): %s\n", run.Provider, run.Mode, l)
		}
	}
	if r.Skipped > 0 {
		fmt.Fprintf(w, "(%d skipped)\n", r.Skipped)
	}
	_, err := fmt.Fprintf(w, "smoke: %d passed, %d failed\n", r.Passed, r.Failed)
	return err
}

// oneLine keeps a detail on its table line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
