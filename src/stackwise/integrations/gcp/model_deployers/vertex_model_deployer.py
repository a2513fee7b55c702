"""The Vertex AI model deployer: a deployment uploads the model's files (a gs:// folder: the
artifact the step was given, or `model_uri`) to the Vertex AI Model Registry with a prediction
container (`aiplatform.Model.upload`), creates an endpoint for the model name
(`aiplatform.Endpoint.create`) and deploys the model there (`Model.deploy`: machine type,
replicas, accelerators). The deployment is recorded in the store like every other, so
`find_model_server`, `stop_model_server` (undeploys: the endpoint stays, serving nothing),
`start_model_server` (deploys the uploaded model again) and `delete_model_server` (undeploys
and deletes the endpoint) work by its id. Deploying a model name again redeploys on the same
endpoint: the old model is undeployed first, so the endpoint answers nothing in between.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from uuid import UUID, uuid4

from stackwise.enums import ServiceState
from stackwise.exceptions import ConfigError, ModelServerError
from stackwise.integrations.gcp.flavors.vertex_model_deployer_flavor import (
    VertexModelDeployerConfig,
)
from stackwise.integrations.gcp.reachability import require_vertex
from stackwise.integrations.gcp.sdk import aiplatform
from stackwise.model_deployers.base_model_deployer import (
    DEFAULT_TIMEOUT,
    BaseModelDeployer,
    _source_of,
)
from stackwise.model_deployers.service import (
    ModelDeploymentConfig,
    ModelDeploymentService,
    ServiceConfig,
    ServiceType,
)
from stackwise.store.records import ServiceRecord


class VertexDeploymentConfig(ModelDeploymentConfig):
    """`deploy_model(config=...)` for Vertex AI: the base keys, plus `model_uri` (a gs://
    folder of the model's files; default: the artifact the step was given) and
    `serving_container_image_uri` (default: the deployer's)."""

    model_uri: str | None = None
    serving_container_image_uri: str | None = None


class VertexDeploymentService(ModelDeploymentService):
    """A model served by a Vertex AI endpoint: its state is what was last asked for (the
    endpoint lives in Google Cloud, not in a process here)."""

    SERVICE_TYPE = ServiceType(
        flavor="vertex", name="vertex-deployment", description="Vertex AI endpoint"
    )

    def check_status(self) -> tuple[ServiceState, str]:
        from stackwise.exceptions import EntityNotFoundError

        try:
            self._record = self._store.get_service(self._record.id)
        except EntityNotFoundError:
            return ServiceState.INACTIVE, "deleted"
        if self._record.admin_state != ServiceState.ACTIVE:
            return ServiceState.INACTIVE, "undeployed"
        return ServiceState.ACTIVE, ""

    @property
    def endpoint_url(self) -> str | None:
        config = self._record.config
        return f"https://{config['location']}-aiplatform.googleapis.com/v1/{config['endpoint']}"

    @property
    def prediction_url(self) -> str | None:
        return f"{self.endpoint_url}:predict" if self.is_running else None

    @property
    def healthcheck_url(self) -> str | None:
        return None  # Vertex AI endpoints have no health route of their own

    def predict(self, request: Any, timeout: float = 30.0) -> Any:
        """Predictions for a list of instances, through the endpoint."""
        if not self.is_running:
            raise ModelServerError(
                f"Deployment {self.uuid} of '{self.model_name}' is undeployed; start it with "
                "`model_deployer.start_model_server(uuid)`."
            )
        endpoint = aiplatform().Endpoint(self._record.config["endpoint"])
        instances = request.tolist() if hasattr(request, "tolist") else list(request)
        return endpoint.predict(instances=instances, timeout=timeout).predictions

    def get_logs(self, follow: bool = False, tail: int | None = None) -> Iterator[str]:
        raise ModelServerError(
            f"The logs of Vertex AI deployment {self.uuid} are in Cloud Logging (resource "
            f"{self._record.config['endpoint']}), not on this machine."
        )

    def start(self, timeout: int = 300) -> None:
        self._deployer_or_fail().start_model_server(self._record.id, timeout)
        self.update_status()

    def stop(self, timeout: int = 300, force: bool = False) -> None:
        self._deployer_or_fail().stop_model_server(self._record.id, timeout, force)
        self.update_status()

    def _deployer_or_fail(self) -> VertexModelDeployer:
        if not isinstance(self._deployer, VertexModelDeployer):
            raise ModelServerError(
                f"Deployment {self.uuid} is on Vertex AI: start or stop it through the "
                "stack's vertex model deployer (`find_model_server(service_uuid=...)`)."
            )
        return self._deployer


class VertexModelDeployer(BaseModelDeployer):
    """Serves models from Vertex AI endpoints."""

    config: VertexModelDeployerConfig
    SERVICE_CLASS = VertexDeploymentService
    CONFIG_CLASS = VertexDeploymentConfig

    def verify(self) -> None:
        """Credentials and the region's Vertex AI endpoint (the project is not queried)."""
        config = self.config
        require_vertex(config.project, config.location, config.service_account_path)

    def deploy_model(
        self,
        config: ServiceConfig | dict[str, Any],
        service_type: Any = None,
        replace: bool = True,
        continuous_deployment_mode: bool = False,
        timeout: int = DEFAULT_TIMEOUT,
    ) -> ModelDeploymentService:
        deployment = self._deployment_config(config)
        assert isinstance(deployment, VertexDeploymentConfig)
        source = _source_of(deployment.model, self.store)
        model_uri = deployment.model_uri or (source.artifact.uri if source.artifact else None)
        if not model_uri or not model_uri.startswith("gs://"):
            where = f"the model is at {model_uri}" if model_uri else "no folder is known"
            raise ConfigError(
                f"Model deployer '{self.name}' (vertex) serves model files from Google Cloud "
                f"Storage, and {where}. Deploy a model your step was given from a gcp artifact "
                "store, or pass 'model_uri': 'gs://BUCKET/PATH'."
            )
        image = deployment.serving_container_image_uri or self.config.serving_container_image_uri
        if not image:
            raise ConfigError(
                f"Model deployer '{self.name}' (vertex) needs the prediction container that "
                "serves the model: pass 'serving_container_image_uri' in the deployment, or "
                f"`stackwise model-deployer update {self.name} "
                "--serving_container_image_uri=IMAGE`."
            )
        name = deployment.model_name or source.model_name or "model"
        previous = self._deployments_of(name) if replace or continuous_deployment_mode else []
        old = previous[0] if previous else None
        labels = dict(deployment.labels)
        model = aiplatform().Model.upload(
            display_name=name,
            artifact_uri=model_uri,
            serving_container_image_uri=image,
            labels=labels,
            encryption_spec_key_name=self.config.encryption_spec_key_name,
            **self._placement(),
        )
        if old is not None:
            endpoint = aiplatform().Endpoint(old.config["endpoint"], **self._placement())
            endpoint.undeploy_all()
        else:
            endpoint = aiplatform().Endpoint.create(
                display_name=name,
                labels=labels,
                encryption_spec_key_name=self.config.encryption_spec_key_name,
                **self._placement(),
            )
        self._deploy(model, endpoint, name, deployment.replicas, timeout)
        fields: dict[str, Any] = {
            "name": deployment.service_name or deployment.name or f"{name}-{self.flavor}",
            "model_name": name,
            "model_version": deployment.model_version or source.model_version,
            "model_version_id": source.model_version_id,
            "artifact_version_id": source.artifact.id if source.artifact else None,
            "pipeline_name": deployment.pipeline_name or source.pipeline_name,
            "pipeline_step_name": deployment.pipeline_step_name or source.step_name,
            "pipeline_run_id": source.run_id,
            "config": {
                "model_uri": model_uri,
                "serving_container_image_uri": image,
                "model": model.resource_name,
                "endpoint": endpoint.resource_name,
                "location": self.config.location,
                "project": self.config.project,
                "replicas": deployment.replicas,
            },
            "admin_state": ServiceState.ACTIVE.value,
            "pid": None,
            "port": None,
            "service_dir": "",
            "labels": labels,
        }
        if old is None:
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            record = self.store.create_service(
                ServiceRecord(
                    id=str(uuid4()),
                    deployer_id=self.id,
                    flavor=self.flavor,
                    created=now,
                    updated=now,
                    **fields,
                )
            )
        else:
            record = self.store.update_service(old.id, **fields)
        return self._service(record)

    def start_model_server(self, uuid: UUID | str, timeout: int = DEFAULT_TIMEOUT) -> None:
        """Deploy the deployment's uploaded model on its endpoint again."""
        record = self.store.get_service(str(uuid))
        if record.admin_state == ServiceState.ACTIVE.value:
            return
        model = aiplatform().Model(record.config["model"], **self._placement())
        endpoint = aiplatform().Endpoint(record.config["endpoint"], **self._placement())
        self._deploy(model, endpoint, record.model_name, int(record.config["replicas"]), timeout)
        self.store.update_service(record.id, admin_state=ServiceState.ACTIVE.value)

    def stop_model_server(
        self, uuid: UUID | str, timeout: int = DEFAULT_TIMEOUT, force: bool = False
    ) -> None:
        """Undeploy the model from its endpoint (the endpoint and the uploaded model stay)."""
        record = self.store.get_service(str(uuid))
        aiplatform().Endpoint(record.config["endpoint"], **self._placement()).undeploy_all()
        self.store.update_service(record.id, admin_state=ServiceState.INACTIVE.value)

    def delete_model_server(
        self, uuid: UUID | str, timeout: int = DEFAULT_TIMEOUT, force: bool = False
    ) -> None:
        """Undeploy the model and delete its endpoint and its record."""
        record = self.store.get_service(str(uuid))
        endpoint = aiplatform().Endpoint(record.config["endpoint"], **self._placement())
        endpoint.delete(force=True)
        self.store.delete_service(record.id)

    def get_model_server_logs(
        self, uuid: UUID | str, follow: bool = False, tail: int | None = None
    ) -> Iterator[str]:
        return self.load_service(uuid).get_logs(follow=follow, tail=tail)

    @staticmethod
    def get_model_server_info(service: ModelDeploymentService) -> dict[str, str | None]:
        config = service.record.config
        return {
            "PREDICTION_URL": service.prediction_url,
            "ENDPOINT": config.get("endpoint"),
            "MODEL": config.get("model"),
            "MODEL_URI": config.get("model_uri"),
            "MODEL_NAME": service.record.model_name,
            "MODEL_VERSION": service.record.model_version,
        }

    def _deploy(self, model: Any, endpoint: Any, name: str, replicas: int, timeout: int) -> None:
        config = self.config
        minimum = max(config.min_replica_count, replicas)
        model.deploy(
            endpoint=endpoint,
            deployed_model_display_name=name,
            traffic_percentage=100,
            machine_type=config.machine_type,
            min_replica_count=minimum,
            max_replica_count=max(config.max_replica_count, minimum),
            accelerator_type=config.accelerator_type,
            accelerator_count=config.accelerator_count or None,
            service_account=config.service_account,
            encryption_spec_key_name=config.encryption_spec_key_name,
            deploy_request_timeout=float(timeout),
        )

    def _placement(self) -> dict[str, Any]:
        """project, location and credentials of every SDK call."""
        credentials = None
        if self.config.service_account_path:
            from google.oauth2 import service_account

            credentials = service_account.Credentials.from_service_account_file(
                self.config.service_account_path
            )
        return {
            "project": self.config.project,
            "location": self.config.location,
            "credentials": credentials,
        }
