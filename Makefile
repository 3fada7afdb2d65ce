# The two commands of the README. Both set up the machine first if needed (scripts/setup).
.PHONY: run test setup build seeds

ADDR ?= 127.0.0.1:8080
DATABASE ?= data/repere.sqlite

run: build
	case "$(DATABASE)" in *://*) ;; *) mkdir -p "$(dir $(DATABASE))" ;; esac
	target/server/repere-server --addr $(ADDR) --database $(DATABASE) --dist dist

test:
	scripts/test

setup:
	scripts/setup

build: setup
	scripts/build-pwa
	cargo build --locked --profile server -p repere-server

# Rebuilds seeds/ from ../shared/data (reproducible; a test checks the committed files). The
# opening hours are compiled for this year and the next two (the builder itself reads no clock).
seeds:
	cargo run --locked -p repere-seed-builder -- --data ../shared/data --out seeds --annees-horaires $$(date +%Y)
