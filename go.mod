module github.com/cmrecon/cmrecon

go 1.26
