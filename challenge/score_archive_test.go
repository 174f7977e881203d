package challenge

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScoreArchive scores a submission packed as the validation upload is, as a zip file and
// as a gzip-compressed tar file with a leading folder: the scores must equal those of the
// unpacked folder, and the report must name the files inside the archive.
func TestScoreArchive(t *testing.T) {
	gt, sub := t.TempDir(), filepath.Join(t.TempDir(), "Submission")
	writeScoreTree(t, gt, sub, []scoreCase{
		{task: "TaskR1", modality: "Cine", center: "Center001", vendor: "UIH_30T_umr780",
			patient: "P001", name: "cine_sax", amp: 0.05, scenario: "Uniform8"},
		{task: "TaskR1", modality: "Cine", center: "Center002", vendor: "Siemens_30T_Vida",
			patient: "P003", name: "cine_lax", amp: 0.2, scenario: "ktRadial16"},
	})
	want, err := ScoreTree(gt, sub, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	for _, archive := range []string{filepath.Join(dir, "Submission.zip"),
		filepath.Join(dir, "Submission.tar.gz")} {
		packTree(t, sub, archive)
		got, err := ScoreTree(gt, archive, ScoreOptions{})
		if err != nil {
			t.Fatalf("%s: %v", archive, err)
		}
		w, g := want.Tasks[0].Summary, got.Tasks[0].Summary
		if g.SSIM != w.SSIM || g.PSNR != w.PSNR || g.NMSE != w.NMSE {
			t.Errorf("%s: SSIM %v PSNR %v NMSE %v, unpacked %v %v %v", archive, g.SSIM, g.PSNR,
				g.NMSE, w.SSIM, w.PSNR, w.NMSE)
		}
		for _, f := range got.Tasks[0].Files {
			if !strings.HasPrefix(f.Submission, archive+string(filepath.Separator)) {
				t.Errorf("%s: file named %s, want a path inside the archive", archive,
					f.Submission)
			}
		}
	}

	evil := filepath.Join(dir, "evil.zip")
	f, err := os.Create(evil)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("../../outside.mat")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	zw.Close()
	f.Close()
	if _, err := ScoreTree(gt, evil, ScoreOptions{}); err == nil ||
		!strings.Contains(err.Error(), "outside") || !strings.Contains(err.Error(), evil) {
		t.Errorf("zip entry outside its folder: error %v", err)
	}
	if _, err := os.Stat(filepath.Join(os.TempDir(), "outside.mat")); err == nil {
		t.Errorf("the entry was written outside the extraction folder")
	}
}

// packTree writes the files below root into a zip or tar.gz archive, under the folder name
// of root, as users pack a submission folder.
func packTree(t *testing.T, root, archive string) {
	t.Helper()
	out, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()

	var add func(name string, r io.Reader, size int64) error
	var finish func() error
	if strings.HasSuffix(archive, ".zip") {
		zw := zip.NewWriter(out)
		add = func(name string, r io.Reader, _ int64) error {
			w, err := zw.Create(name)
			if err == nil {
				_, err = io.Copy(w, r)
			}
			return err
		}
		finish = zw.Close
	} else {
		gz := gzip.NewWriter(out)
		tw := tar.NewWriter(gz)
		add = func(name string, r io.Reader, size int64) error {
			h := &tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			_, err := io.Copy(tw, r)
			return err
		}
		finish = func() error {
			if err := tw.Close(); err != nil {
				return err
			}
			return gz.Close()
		}
	}

	base := filepath.Dir(root)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		return add(filepath.ToSlash(rel), f, st.Size())
	})
	if err == nil {
		err = finish()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestScoreTaskR2MappingRename checks the scorer's one folder fix: TaskR2 mapping
// submissions under Center004/UIH_30T_umr780 are scored against the ground truth under
// Center004/UIH_15T_umr680.
func TestScoreTaskR2MappingRename(t *testing.T) {
	gt, sub := t.TempDir(), t.TempDir()
	writeScoreTree(t, gt, t.TempDir(), []scoreCase{
		{task: "TaskR2", modality: "Mapping", center: "Center004", vendor: "UIH_15T_umr680",
			patient: "P002", name: "T1map"},
	})
	writeScoreTree(t, t.TempDir(), sub, []scoreCase{
		{task: "TaskR2", modality: "Mapping", center: "Center004", vendor: "UIH_30T_umr780",
			patient: "P002", name: "T1map", amp: 0.05, scenario: "Uniform8"},
	})

	rep, err := ScoreTree(gt, sub, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files := rep.Tasks[0].Files
	if len(files) != 1 || !files[0].Valid {
		t.Fatalf("files %+v: want the submission matched to its ground truth", files)
	}
	if want := fileScore(t, 0.05); !near(files[0].SSIM, want.SSIM, tolAgg) {
		t.Errorf("SSIM %v, want %v", files[0].SSIM, want.SSIM)
	}
}
