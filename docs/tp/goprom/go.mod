module goprom

go 1.19
