package challenge

import (
	"strings"
	"testing"
)

func TestParseFileName(t *testing.T) {
	good := []struct {
		in   string
		want FileName
	}{
		{"cine_lax_3ch_kus_Uniform8.mat",
			FileName{"cine_lax_3ch", KindKSpace, Scenario{Uniform, 8}}},
		{"cine_lax_4ch_mask_ktRadial16.mat",
			FileName{"cine_lax_4ch", KindMask, Scenario{KtRadial, 16}}},
		{"T1map_kus_ktGaussian24.mat", FileName{"T1map", KindKSpace, Scenario{KtGaussian, 24}}},
		{"cine_lax_mask_ktUniform12.mat", FileName{"cine_lax", KindMask, Scenario{KtUniform, 12}}},
		{"cine_sax_mask_Uniform8.mat", FileName{"cine_sax", KindMask, Scenario{Uniform, 8}}},
		{"cine_sax.mat", FileName{"cine_sax", KindFull, Scenario{}}},
		{"/d/P007/blackblood_kus_Uniform4.mat",
			FileName{"blackblood", KindKSpace, Scenario{Uniform, 4}}},
		{"x_kus_Uniform1.mat", FileName{"x", KindKSpace, Scenario{Uniform, 1}}},
	}
	for _, c := range good {
		got, err := ParseFileName(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseFileName(%q) = %+v, %v, want %+v", c.in, got, err, c.want)
			continue
		}
		if c.in[0] != '/' && got.String() != c.in {
			t.Errorf("ParseFileName(%q).String() = %q", c.in, got.String())
		}
	}

	bad := map[string]string{
		"cine_sax_kus_Uniform.mat":                     "not a positive integer",
		"cine_sax_kus_Gaussian8.mat":                   "pattern is not",
		"cine_sax_kus_Uniform8x.mat":                   "not an integer",
		"cine_sax_kus_Uniform0.mat":                    "not a positive integer",
		"cine_sax_kus_Uniform-8.mat":                   "not an integer",
		"cine_sax_mask_uniform8.mat":                   "pattern is not",
		"_kus_Uniform8.mat":                            "no data set name",
		"cine_sax.h5":                                  "not a .mat",
		".mat":                                         "not a .mat",
		"cine_sax_kus_Uniform8.MAT":                    "not a .mat",
		"cine_sax_kus_Uniform99999999999999999999.mat": "not a positive integer",
	}
	for in, want := range bad {
		_, err := ParseFileName(in)
		if !errorHas(err, want, in) {
			t.Errorf("ParseFileName(%q) error %v, want one naming the file and %q", in, err, want)
		}
	}
}

// errorHas reports whether err is non-nil and its message contains every part.
func errorHas(err error, parts ...string) bool {
	if err == nil {
		return false
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			return false
		}
	}
	return true
}

func TestModalityFolder(t *testing.T) {
	cases := map[string]string{
		"cine_sax": "Cine", "cine_lax_3ch_kus_Uniform8.mat": "Cine", "cine_lvot": "Cine",
		"lge_sax": "LGE", "lge_lax_2ch": "LGE", "perfusion": "Perfusion",
		"T1map": "Mapping", "T1mappost": "Mapping", "T2map": "Mapping", "T2smap": "Mapping",
		"T1rho_kus_ktRadial8.mat": "T1rho", "flow2d": "Flow2d", "blackblood": "BlackBlood",
		"T1w": "T1w", "T2w.mat": "T2w", "aorta_sag": "Aorta", "tagging": "Tagging",
	}
	for in, want := range cases {
		if got, ok := ModalityFolder(in); !ok || got != want {
			t.Errorf("ModalityFolder(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"brain", "Cine", "t1w", "cinema"} {
		if got, ok := ModalityFolder(in); ok {
			t.Errorf("ModalityFolder(%q) = %q, want not ok", in, got)
		}
	}
}

const valKSpace = "/data/ChallengeData_ValSet/TaskR1/MultiCoil/Cine/ValidationSet/" +
	"UnderSample_TaskR1/Center001/UIH_30T_umr780/P007/cine_lax_3ch_kus_Uniform8.mat"

const valMask = "/data/ChallengeData_ValSet/TaskR1/MultiCoil/Cine/ValidationSet/" +
	"Mask_TaskR1/Center001/UIH_30T_umr780/P007/cine_lax_3ch_mask_Uniform8.mat"

const trainFull = "ChallengeData/MultiCoil/Cine/TrainingSet/FullSample/Center005/" +
	"Siemens_30T_Vida/P003/cine_sax.mat"

func TestMaskPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{valKSpace, valMask},
		{ // 2024: no centre or vendor folders.
			"/c/MultiCoil/Cine/ValidationSet/UnderSample_Task2/P001/cine_lax_kus_ktGaussian12.mat",
			"/c/MultiCoil/Cine/ValidationSet/Mask_Task2/P001/cine_lax_mask_ktGaussian12.mat",
		},
		{ // Test-phase input, relative path.
			"TaskR2/MultiCoil/Mapping/TestSet/UnderSample_TaskR2/C4/V/P1/T1map_kus_ktRadial24.mat",
			"TaskR2/MultiCoil/Mapping/TestSet/Mask_TaskR2/C4/V/P1/T1map_mask_ktRadial24.mat",
		},
	}
	for _, c := range cases {
		in, want := c.in, c.want
		if got, err := MaskPath(in); err != nil || got != want {
			t.Errorf("MaskPath(%q) = %q, %v, want %q", in, got, err, want)
		}
		if back, err := KSpacePath(want); err != nil || back != in {
			t.Errorf("KSpacePath(%q) = %q, %v, want %q", want, back, err, in)
		}
	}

	bad := map[string]string{
		"/x/UnderSample_TaskR1/P1/cine_sax.mat":             "not <name>_kus_",
		"/x/Mask_TaskR1/P1/cine_sax_mask_Uniform8.mat":      "not <name>_kus_",
		"/x/UnderSample_/P1/cine_sax_kus_Uniform8.mat":      "no UnderSample_<Task> folder",
		"/tmp/cine_sax_kus_Uniform8.mat":                    "no UnderSample_<Task> folder",
		"UnderSample_TaskR1_cine_sax_kus_Uniform8.mat":      "no UnderSample_<Task> folder",
		"/x/UnderSample_TaskR1/P1/cine_sax_kus_Radial8.mat": "pattern is not",
	}
	for in, want := range bad {
		got, err := MaskPath(in)
		if !errorHas(err, want, in) {
			t.Errorf("MaskPath(%q) = %q, %v, want an error naming the path and %q", in, got, err,
				want)
		}
	}
}

func TestTrainingMaskPath(t *testing.T) {
	got, err := TrainingMaskPath(trainFull, Scenario{KtGaussian, 8})
	want := "ChallengeData/MultiCoil/Cine/TrainingSet/Mask_TaskAll/Center005/Siemens_30T_Vida/" +
		"P003/cine_sax_mask_ktGaussian8.mat"
	if err != nil || got != want {
		t.Fatalf("TrainingMaskPath = %q, %v, want %q", got, err, want)
	}

	for _, s := range Scenarios2025() {
		m, err := TrainingMaskPath(trainFull, s)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := KSpacePath(m); err != nil || back != trainFull {
			t.Errorf("KSpacePath(%q) = %q, %v, want %q", m, back, err, trainFull)
		}
	}

	bad := []struct {
		path string
		s    Scenario
		want string
	}{
		{"/x/FullSample/P1/cine_sax_kus_Uniform8.mat", Scenario{Uniform, 8}, "not a fully sampled"},
		{"/x/Full/P1/cine_sax.mat", Scenario{Uniform, 8}, "no FullSample folder"},
		{trainFull, Scenario{"Poisson", 8}, "invalid scenario"},
		{trainFull, Scenario{Uniform, 0}, "invalid scenario"},
	}
	for _, c := range bad {
		got, err := TrainingMaskPath(c.path, c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("TrainingMaskPath(%q, %v) = %q, %v, want an error with %q", c.path, c.s,
				got, err, c.want)
		}
	}

	if _, err := KSpacePath("/x/P1/cine_sax_mask_Uniform8.mat"); err == nil {
		t.Error("KSpacePath without a Mask_ folder accepted")
	}
	if _, err := KSpacePath(valKSpace); err == nil {
		t.Error("KSpacePath of a k-space file accepted")
	}
}

func TestParseTreePath(t *testing.T) {
	tp, err := ParseTreePath(valKSpace)
	if err != nil {
		t.Fatal(err)
	}
	if tp.Root != "/data/ChallengeData_ValSet/TaskR1" || tp.Coil != "MultiCoil" ||
		tp.Modality != "Cine" || tp.Set != "ValidationSet" || tp.Folder != "UnderSample_TaskR1" ||
		strings.Join(tp.Sub, ",") != "Center001,UIH_30T_umr780,P007" ||
		tp.File.Base != "cine_lax_3ch" || tp.Task() != "TaskR1" {
		t.Errorf("ParseTreePath = %+v", tp)
	}
	if tp.Path() != valKSpace {
		t.Errorf("Path() = %q, want %q", tp.Path(), valKSpace)
	}

	tp, err = ParseTreePath("/MultiCoil/T1w/TrainingSet/FullSample/T1w.mat")
	if err != nil || tp.Root != "/" || len(tp.Sub) != 0 || tp.Task() != "" ||
		tp.Path() != "/MultiCoil/T1w/TrainingSet/FullSample/T1w.mat" {
		t.Errorf("ParseTreePath = %+v, %v", tp, err)
	}

	bad := map[string]string{
		"/data/Cine/ValidationSet/UnderSample_TaskR1/P/x_kus_Uniform8.mat":  "no MultiCoil",
		"/data/MultiCoil/Cine/ValidationSet/x_kus_Uniform8.mat":             "below the coil",
		"/data/MultiCoil/Cine/ValSet/UnderSample_TaskR1/x_kus_Uniform8.mat": "set folder",
		"/data/MultiCoil/Cine/TestSet/UnderSample_TaskR1/P/readme.txt":      "not a .mat",
	}
	for in, want := range bad {
		if _, err := ParseTreePath(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTreePath(%q) error %v, want one with %q", in, err, want)
		}
	}
}

func TestSubmissionPath(t *testing.T) {
	got, err := SubmissionPath("/out", valKSpace)
	want := "/out/TaskR1/MultiCoil/Cine/ValidationSet/UnderSample_TaskR1/Center001/" +
		"UIH_30T_umr780/P007/cine_lax_3ch_kus_Uniform8.mat"
	if err != nil || got != want {
		t.Errorf("SubmissionPath = %q, %v, want %q", got, err, want)
	}

	// The test phase: /input/TaskR2/... goes to /output/TaskR2/....
	in := "/input/TaskR2/MultiCoil/LGE/TestSet/UnderSample_TaskR2/C4/V/P2/lge_sax_kus_ktRadial8.mat"
	want = "/output/TaskR2/MultiCoil/LGE/TestSet/UnderSample_TaskR2/C4/V/P2/" +
		"lge_sax_kus_ktRadial8.mat"
	if got, err := SubmissionPath("/output", in); err != nil || got != want {
		t.Errorf("SubmissionPath = %q, %v, want %q", got, err, want)
	}

	for _, bad := range []string{valMask, trainFull, "/tmp/cine_sax_kus_Uniform8.mat"} {
		if got, err := SubmissionPath("/out", bad); err == nil {
			t.Errorf("SubmissionPath(%q) = %q, want an error", bad, got)
		}
	}
}
