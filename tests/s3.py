"""A real S3-compatible server on loopback for the storage tests: moto's server (`moto[server]`),
run as its own process and reached through boto3 and django-storages like a production bucket."""

import subprocess
import sys
from contextlib import contextmanager

from tests.utils import free_port, wait_for_http

ACCESS_KEY = "cle-de-test"
SECRET_KEY = "secret-de-test-s3"
REGION = "eu-west-3"


@contextmanager
def running_server():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"{url}/moto-api/", process, "Le serveur S3 de test n'a pas démarré.")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(url):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def environment(url, bucket):
    """The S3_* variables of a deployment that keeps its files in `bucket` on `url`."""
    return {
        "S3_BUCKET_NAME": bucket,
        "S3_ENDPOINT_URL": url,
        "S3_REGION_NAME": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_ADDRESSING_STYLE": "path",
    }


def keys(url, bucket, prefix=""):
    listing = client(url).list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))
