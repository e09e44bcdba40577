# The two commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PBX_SIMULATOR_PORT ?= 8090
export PORT PBX_SIMULATOR_PORT

.PHONY: run test install lint typecheck pytest deploycheck browser messages bench clean

$(BIN)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

install: $(BIN)/.installed

## run: set everything up, load the demo data and start portal, worker and PBX simulator
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  ÉÉN beheerportaal: http://127.0.0.1:$(PORT)/"
	@echo "  Beheerder:     beheerder@bakkerij.example / demo-portaal"
	@echo "  Alleen lezen:  kijker@bakkerij.example / demo-portaal"
	@echo "  Alleen Mobiel: beheerder@jansen.example / demo-portaal"
	@echo "  Operator (Django admin, http://127.0.0.1:$(PORT)/admin/): staf@operator.example / demo-portaal,"
	@echo "    then the two-factor code that $(BIN)/python manage.py demo_code prints"
	@echo "  Sent e-mails are written to var/mail/. Stop everything with Ctrl-C."
	@echo ""
	$(BIN)/honcho -f Procfile.dev start

## test: set everything up and run linters, type checks and the whole test suite
test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: install
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

## deploycheck: Django's deployment checks, with the environment production sets (CI runs this)
deploycheck: install
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=beheer.een-portaal.example SECURE_COOKIES=1 BEHIND_PROXY=1 DEBUG=0 \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

## messages: extract UI strings to locale/nl and compile them (needs GNU gettext)
messages: install
	$(BIN)/python manage.py makemessages -l nl --no-obsolete --ignore='.venv/*' --ignore='var/*' \
		--ignore='tests/*' --ignore='bench/*' --ignore='pbx/simulator/*' --ignore='static/*' --ignore='scripts/*'
	$(BIN)/python scripts/compile_messages.py

bench: install
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/recovery.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/checks.py
	$(BIN)/python bench/callflow.py
	$(BIN)/python bench/import_users.py

clean:
	rm -rf $(VENV) var staticfiles
