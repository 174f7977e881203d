package challenge

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MaxArchiveBytes bounds what ScoreTree extracts from a submission archive: far more than a
// validation submission of every task holds (a few gigabytes of cropped single-precision
// images), little enough that a corrupt or hostile archive cannot fill the disk.
const MaxArchiveBytes = 64 << 30

// isArchive reports whether path names a submission archive that ScoreTree unpacks: a zip
// file, or a tar file plain or gzip-compressed, as the validation scorer accepts them.
func isArchive(path string) bool {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return false
	}
	return archiveKind(path) != ""
}

// archiveKind returns "zip", "tar" or "tgz" from the name of path, "" for other names.
func archiveKind(p string) string {
	l := strings.ToLower(p)
	switch {
	case strings.HasSuffix(l, ".zip"):
		return "zip"
	case strings.HasSuffix(l, ".tar"):
		return "tar"
	case strings.HasSuffix(l, ".tar.gz"), strings.HasSuffix(l, ".tgz"),
		strings.HasSuffix(l, ".gz"):
		return "tgz"
	}
	return ""
}

// unpackArchive extracts the regular files of archive into a new temporary folder and
// returns it. Entries that would land outside the folder (absolute names, "..") are an
// error, as is a total size over MaxArchiveBytes; links and other special entries are
// skipped. The caller removes the folder.
func unpackArchive(archive string) (string, error) {
	dir, err := os.MkdirTemp("", "cmrecon-submission-*")
	if err != nil {
		return "", fmt.Errorf("challenge: submission %s: %w", archive, err)
	}
	ex := &extractor{dir: dir, budget: MaxArchiveBytes}

	switch archiveKind(archive) {
	case "zip":
		err = ex.zip(archive)
	default:
		err = ex.tar(archive, archiveKind(archive) == "tgz")
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("challenge: submission %s: %w", archive, err)
	}
	return dir, nil
}

// extractor writes archive entries below dir within a byte budget.
type extractor struct {
	dir    string
	budget int64
}

func (ex *extractor) zip(name string) error {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return fmt.Errorf("not a readable zip archive: %w", err)
	}
	defer zr.Close()

	for _, f := range zr.File {
		if !f.Mode().IsRegular() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("entry %q: %w", f.Name, err)
		}
		err = ex.write(f.Name, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (ex *extractor) tar(name string, gz bool) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()

	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("not a readable gzip file: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a readable tar archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := ex.write(h.Name, tr); err != nil {
			return err
		}
	}
}

// write copies one entry to its place below ex.dir.
func (ex *extractor) write(name string, r io.Reader) error {
	clean := path.Clean(strings.ReplaceAll(name, `\`, "/"))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return fmt.Errorf("entry %q would be written outside the archive's folder", name)
	}
	dst := filepath.Join(ex.dir, filepath.FromSlash(clean))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("entry %q: %w", name, err)
	}

	n, err := io.Copy(out, io.LimitReader(r, ex.budget+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("entry %q: %w", name, err)
	}
	if ex.budget -= n; ex.budget < 0 {
		return fmt.Errorf("more than %d GiB unpacked", MaxArchiveBytes>>30)
	}
	return nil
}
