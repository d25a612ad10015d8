# vmdeck — the two commands a newcomer runs: `make demo` and `make test`.
# Both install what is missing (apt, from bookworm-backports), build, and start the lab.

LAB_DIR ?= /var/tmp/vmdeck-lab
export LAB_DIR
CARGO ?= cargo

.PHONY: demo test deps build release lab lab-down lint bench compare scale

deps:
	bash lab/install-deps.sh

release: deps
	$(CARGO) build --release --locked

build: deps
	$(CARGO) build --locked --all-targets

lab: deps
	bash lab/up.sh

lab-down:
	bash lab/down.sh

demo: release lab
	./target/release/vmdeck --config $(LAB_DIR)/vmdeck.toml

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

# The whole suite against the real lab: unit, render snapshots, end-to-end in a PTY.
test: build lab
	VMDECK_LAB=$(LAB_DIR)/vmdeck.toml VMDECK_REQUIRE_LAB=1 $(CARGO) test --locked -- --test-threads=2
	$(MAKE) lint

bench: release lab
	$(CARGO) bench --locked
	bash benches/compare.sh

compare: release lab
	bash benches/compare.sh

# Every fleet-scale budget side by side with virsh in one run (benches/scale.sh).
scale: release lab
	bash benches/scale.sh
