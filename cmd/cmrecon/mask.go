package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cmrecon/cmrecon/challenge"
)

func runMask(e *env, args []string) error {
	fs := newFlags(e, "mask", "--pattern Uniform|ktGaussian|ktRadial --accel R [--acs 20] "+
		"--size NXxNY[xNT] [--seed S] OUT.mat")
	pattern := fs.String("pattern", "", "sampling pattern: Uniform, ktGaussian or ktRadial")
	accel := fs.Int("accel", 0, "nominal acceleration R, not counting the calibration lines")
	acs := fs.Int("acs", challenge.DefaultCalib,
		"calibration size: central ky lines, or the side of the central square for ktRadial")
	size := fs.String("size", "", "mask size NXxNY or NXxNYxNT (readout x phase x frames)")
	seed := fs.Uint64("seed", 1, "seed of the random ktGaussian draws")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}

	nx, ny, nt, err := parseSize(*size)
	if err != nil {
		fmt.Fprintf(e.stderr, "cmrecon mask: --size: %v\n", err)
		return errUsage
	}
	p, err := parsePattern(*pattern)
	if err != nil {
		fmt.Fprintf(e.stderr, "cmrecon mask: --pattern: %v\n", err)
		return errUsage
	}
	if n := int64(nx) * int64(ny) * int64(nt); n > challenge.MaxMaskValues {
		fmt.Fprintf(e.stderr, "cmrecon mask: --size %s: %d values, more than a mask file "+
			"holds (%d)\n", *size, n, challenge.MaxMaskValues)
		return errUsage
	}

	m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: p, NX: nx, NY: ny, NT: nt,
		R: *accel, NCalib: *acs, Seed: *seed})
	if err != nil {
		return err
	}
	if err := challenge.WriteMask(pos[0], m); err != nil {
		return err
	}
	e.log.Info("mask written", "file", pos[0], "pattern", p, "R", *accel, "acs", *acs,
		"size", fmt.Sprintf("%dx%dx%d", nx, ny, nt),
		"effective_R", fmt.Sprintf("%.2f", challenge.EffectiveR(m)))
	return nil
}

// parseSize parses NXxNY or NXxNYxNT.
func parseSize(s string) (nx, ny, nt int, err error) {
	parts := strings.Split(strings.ToLower(s), "x")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, fmt.Errorf("%q is not NXxNY or NXxNYxNT", s)
	}
	n := []int{1, 1, 1}
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 {
			return 0, 0, 0, fmt.Errorf("%q: %q is not a positive size", s, p)
		}
		n[i] = v
	}
	return n[0], n[1], n[2], nil
}

// parsePattern accepts a pattern name in any letter case.
func parsePattern(s string) (challenge.Pattern, error) {
	for _, p := range []challenge.Pattern{challenge.Uniform, challenge.KtGaussian,
		challenge.KtRadial} {
		if strings.EqualFold(s, string(p)) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%q is not Uniform, ktGaussian or ktRadial", s)
}
