package recon

import (
	"fmt"
	"strings"
)

var csSolvers = []CSSolver{CSAuto, CSFISTA, CSPOGM, CSADMM, CSPrimalDual}

// csSolverList returns the names of the CS solvers, auto excluded, for messages.
func csSolverList() string {
	s := make([]string, 0, len(csSolvers))
	for _, v := range csSolvers[1:] {
		s = append(s, string(v))
	}
	return strings.Join(s, ", ")
}

// ParseCSSolver parses the name of a CS solver as the command line's --cs-solver gives it:
// fista, pogm, admm, pd (primal-dual), or the empty string for CSAuto.
func ParseCSSolver(s string) (CSSolver, error) {
	v := CSSolver(strings.ToLower(strings.TrimSpace(s)))
	for _, c := range csSolvers {
		if v == c {
			return c, nil
		}
	}
	return "", fmt.Errorf("recon: unknown CS solver %q (want one of %s)", s, csSolverList())
}

// CheckRegularizers reports a list of regularisers CS cannot use, as CS itself would:
// an unknown kind, a lambda that is negative or not finite, a bad exponent p, or half of
// the L+S pair (lplus without splus or the reverse, or either with lambda 0, or either
// twice). An empty list is allowed here (CS then looks the terms up in its table). It does
// not know the number of frames, so it passes tgv with lplus and splus, which CS refuses on
// several frames and takes on one (where L+S is ignored).
func CheckRegularizers(regs []Regularizer) error {
	if len(regs) == 0 {
		return nil
	}
	return checkCS(regs, CSOptions{})
}
