# c360 hub: `c360 serve` on port 8360. Point C360_DATABASE_URL at PostgreSQL in production.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    C360_HOST=0.0.0.0 \
    C360_PORT=8360

RUN useradd --create-home --uid 10360 c360
WORKDIR /app
COPY pyproject.toml README.md ./
COPY c360 ./c360
RUN pip install . && rm -rf /root/.cache

USER c360
WORKDIR /home/c360
EXPOSE 8360
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8360/healthz', timeout=2).status == 200 else 1)"
ENTRYPOINT ["c360"]
CMD ["serve"]
