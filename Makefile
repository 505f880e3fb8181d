# fraudstream: the two commands a newcomer needs are `make test` and `make demo`.
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := librdkafka-dev libpq-dev postgresql pkg-config
SWIFT_BUILD_FLAGS ?=

.PHONY: deps build release test demo check-dashboard benchmarks clean

## deps: install the Debian packages the build and the tests need (only what is missing).
deps:
	@missing=""; for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: debug build of the package.
build: deps
	swift build $(SWIFT_BUILD_FLAGS)

## release: optimised build of the fraudstream executable.
release: deps
	swift build -c release --product fraudstream $(SWIFT_BUILD_FLAGS)

## test: install what is missing, start PostgreSQL, run the whole suite, stop PostgreSQL.
## Tests run one at a time: several assert that something fails fast or keeps a rate, which
## a suite saturating both cores of a small machine would make meaningless.
test: deps
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	scripts/test-services.sh swift test --skip-build --no-parallel $(SWIFT_BUILD_FLAGS)

## demo: the whole pipeline on embedded Kafka and PostgreSQL for 60 s (DEMO_FLAGS="--duration 2m").
DEMO_FLAGS ?=
demo: release
	.build/release/fraudstream demo $(DEMO_FLAGS)

## check-dashboard: the dashboard in headless Chromium during a 90 s demo: DOM checks that every
## chart and the flagged table drew data, and a screenshot in docs/dashboard.png. Installs
## Debian's chromium if missing. ALLOW_NO_WORKERS=1 accepts an empty worker panel.
check-dashboard: deps
	scripts/check-dashboard.sh

## benchmarks: the per-stage benchmarks (ordo-one/benchmark), in their own package.
benchmarks: deps
	cd Benchmarks && swift package benchmark

clean:
	rm -rf .build .fraudstream
