"""Every enumeration of ZenML 0.98's `zenml.enums`, with the same member names and values.

Stored values (run and step statuses, component types, artifact types) are these strings, and
string enums compare equal to and print as their value, so `run.status == "completed"` holds.
A few enums carry stackwise helpers (`StackComponentType.label`, `.cli_name`,
`.allows_several`) next to ZenML's (`ExecutionStatus.is_finished`, `.is_successful`,
`.is_failed`; `StackComponentType.plural`, `.supports_multiple_per_stack`). Some enums name
things stackwise does not have (servers' backup strategies, resource pools, triggers): they
exist so code that imports them keeps importing; each feature that uses one says so where it is
used. This module imports nothing but `enum`: `import stackwise` stays light.
"""

from __future__ import annotations

from enum import Enum


class StrEnum(str, Enum):
    """A string enum whose members compare equal to, and print as, their value."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def names(cls) -> list[str]:
        """The member names, in definition order."""
        return [member.name for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        """The member values, in definition order."""
        return [member.value for member in cls]


class DescribedValuesEnum(StrEnum):
    """A string enum whose members each carry a sentence for people (event choices)."""

    @classmethod
    def _descriptions(cls) -> dict[str, str]:
        return {}

    @classmethod
    def value_description_index(cls) -> dict[str, str]:
        """Each member mapped to the sentence that describes it."""
        described = cls._descriptions()
        return {member: described.get(member.value, "") for member in cls}


class ArtifactType(StrEnum):
    DATA = "DataArtifact"
    DATA_ANALYSIS = "DataAnalysisArtifact"
    MODEL = "ModelArtifact"
    SCHEMA = "SchemaArtifact"
    SERVICE = "ServiceArtifact"
    STATISTICS = "StatisticsArtifact"
    BASE = "BaseArtifact"


class StepRunInputArtifactType(StrEnum):
    STEP_OUTPUT = "step_output"
    MANUAL = "manual"
    EXTERNAL = "external"
    LAZY_LOADED = "lazy"
    OVERRIDE = "override"


class ArtifactSaveType(StrEnum):
    STEP_OUTPUT = "step_output"
    MANUAL = "manual"
    EXTERNAL = "external"
    PREEXISTING = "preexisting"


class DownloadType(StrEnum):
    ARTIFACT_VERSION = "artifact_version"
    STEP_LOGS = "step_logs"
    RUN_LOGS = "run_logs"
    SNAPSHOT_CODE = "snapshot_code"


class VisualizationType(StrEnum):
    CSV = "csv"
    HTML = "html"
    IMAGE = "image"
    MARKDOWN = "markdown"
    JSON = "json"


class StackwiseServiceType(StrEnum):
    ZEN_SERVER = "zen_server"
    MODEL_SERVING = "model-serving"


class ExecutionStatus(StrEnum):
    INITIALIZING = "initializing"
    RUNNING = "running"
    COMPLETED = "completed"
    CACHED = "cached"
    FAILED = "failed"
    RETRIED = "retried"
    SKIPPED = "skipped"
    PROVISIONING = "provisioning"
    QUEUED = "queued"
    RETRYING = "retrying"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    PAUSED = "paused"
    RESUMING = "resuming"
    STOPPED = "stopped"
    STOPPING = "stopping"

    @property
    def is_finished(self) -> bool:
        """True once nothing more will happen to the run or step."""
        return self in _FINISHED

    @property
    def is_successful(self) -> bool:
        """Completed, served from the cache, or skipped on purpose."""
        return self in (ExecutionStatus.COMPLETED, ExecutionStatus.CACHED, ExecutionStatus.SKIPPED)

    @property
    def is_failed(self) -> bool:
        return self in (ExecutionStatus.FAILED, ExecutionStatus.CANCELLED)


class HookType(StrEnum):
    RUN_START = "run_start"
    RUN_SUCCESS = "run_success"
    RUN_FAILURE = "run_failure"
    RUN_END = "run_end"
    RUN_PAUSE = "run_pause"
    RUN_RESUME = "run_resume"
    STEP_START = "step_start"
    STEP_END = "step_end"
    STEP_SUCCESS = "step_success"
    STEP_FAILURE = "step_failure"
    CUSTOM = "custom"


class LoggingLevels(Enum):
    NOTSET = 0
    ERROR = 40
    WARN = 30
    INFO = 20
    DEBUG = 10
    CRITICAL = 50


class ExecutionMode(StrEnum):
    FAIL_FAST = "fail_fast"
    STOP_ON_FAILURE = "stop_on_failure"
    CONTINUE_ON_FAILURE = "continue_on_failure"


class RunWaitConditionType(StrEnum):
    EXTERNAL_INPUT = "external_input"


class RunWaitConditionStatus(StrEnum):
    PENDING = "pending"
    RESOLVED = "resolved"


class RunWaitConditionResolution(StrEnum):
    CONTINUE = "continue"
    ABORT = "abort"


class RunWaitConditionLeaseMode(StrEnum):
    REFRESH = "refresh"
    FINALIZE = "finalize"
    ABANDON = "abandon"


class StackComponentType(StrEnum):
    ORCHESTRATOR = "orchestrator"
    ARTIFACT_STORE = "artifact_store"
    EXPERIMENT_TRACKER = "experiment_tracker"
    MODEL_DEPLOYER = "model_deployer"
    CONTAINER_REGISTRY = "container_registry"
    STEP_OPERATOR = "step_operator"
    DATA_VALIDATOR = "data_validator"
    FEATURE_STORE = "feature_store"
    IMAGE_BUILDER = "image_builder"
    ALERTER = "alerter"
    MODEL_REGISTRY = "model_registry"
    ANNOTATOR = "annotator"
    LOG_STORE = "log_store"
    DEPLOYER = "deployer"
    SANDBOX = "sandbox"

    @property
    def plural(self) -> str:
        """`artifact_store` -> `artifact_stores`, `model_registry` -> `model_registries`."""
        if self.value.endswith("y"):
            return f"{self.value[:-1]}ies"
        return f"{self.value}es" if self.value.endswith("x") else f"{self.value}s"

    @property
    def label(self) -> str:
        """For sentences: `experiment_tracker` -> `experiment tracker`."""
        return self.value.replace("_", " ")

    @property
    def cli_name(self) -> str:
        """The CLI group name: `experiment_tracker` -> `experiment-tracker`."""
        return self.value.replace("_", "-")

    @property
    def allows_several(self) -> bool:
        """Experiment trackers and step operators are picked by name in `@step`."""
        return self in (StackComponentType.EXPERIMENT_TRACKER, StackComponentType.STEP_OPERATOR)

    @property
    def supports_multiple_per_stack(self) -> bool:
        """Whether a stack may hold several components of this type (see `allows_several`;
        ZenML also allows several alerters and sandboxes, stackwise one alerter and no
        sandbox: docs/zenml-differences.md)."""
        return self.allows_several


class StoreType(StrEnum):
    SQL = "sql"
    REST = "rest"


class SecretsStoreType(StrEnum):
    NONE = "none"
    SQL = "sql"
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"
    HASHICORP = "hashicorp"
    CUSTOM = "custom"


class ContainerRegistryFlavor(StrEnum):
    DEFAULT = "default"
    GITHUB = "github"
    DOCKERHUB = "dockerhub"
    GCP = "gcp"
    AZURE = "azure"


class CliCategories(StrEnum):
    STACK_COMPONENTS = "Stack Components"
    MODEL_DEPLOYMENT = "Model Deployment"
    INTEGRATIONS = "Integrations"
    MANAGEMENT_TOOLS = "Management Tools"
    MODEL_CONTROL_PLANE = "Model Control Plane"
    IDENTITY_AND_SECURITY = "Identity and Security"
    OTHER_COMMANDS = "Other Commands"


class AnnotationTasks(StrEnum):
    IMAGE_CLASSIFICATION = "image_classification"
    OBJECT_DETECTION_BOUNDING_BOXES = "object_detection_bounding_boxes"
    OCR = "optical_character_recognition"
    TEXT_CLASSIFICATION = "text_classification"


class SecretValidationLevel(StrEnum):
    SECRET_AND_KEY_EXISTS = "SECRET_AND_KEY_EXISTS"  # noqa: S105 - a name, not a secret
    SECRET_EXISTS = "SECRET_EXISTS"  # noqa: S105 - a name, not a secret
    NONE = "NONE"


class ServerProviderType(StrEnum):
    DAEMON = "daemon"
    DOCKER = "docker"


class AnalyticsEventSource(StrEnum):
    ZENML_GO = "zenml go"
    ZENML_INIT = "zenml init"
    ZENML_SERVER = "zenml server"


class AuthScheme(StrEnum):
    NO_AUTH = "NO_AUTH"
    HTTP_BASIC = "HTTP_BASIC"
    OAUTH2_PASSWORD_BEARER = "OAUTH2_PASSWORD_BEARER"  # noqa: S105 - a name, not a secret
    EXTERNAL = "EXTERNAL"


class OAuthGrantTypes(StrEnum):
    OAUTH_PASSWORD = "password"  # noqa: S105 - a name, not a secret
    OAUTH_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
    ZENML_EXTERNAL = "zenml-external"
    ZENML_API_KEY = "zenml-api-key"


class OAuthDeviceStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    ACTIVE = "active"
    LOCKED = "locked"


class APITokenType(StrEnum):
    GENERIC = "generic"
    WORKLOAD = "workload"


class GenericFilterOps(StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "notequals"
    CONTAINS = "contains"
    STARTSWITH = "startswith"
    ENDSWITH = "endswith"
    ONEOF = "oneof"
    NOT_ONEOF = "notoneof"
    NOT_CONTAINS = "notcontains"
    IS_NULL = "isnull"
    IS_NOT_NULL = "isnotnull"
    GTE = "gte"
    GT = "gt"
    LTE = "lte"
    LT = "lt"
    IN = "in"


class SorterOps(StrEnum):
    ASCENDING = "asc"
    DESCENDING = "desc"


class LogicalOperators(StrEnum):
    OR = "or"
    AND = "and"


class OperatingSystemType(StrEnum):
    LINUX = "Linux"
    WINDOWS = "Windows"
    MACOS = "Darwin"


class SourceContextTypes(StrEnum):
    CLI = "cli"
    PYTHON = "python"
    DASHBOARD = "dashboard"
    DASHBOARD_V2 = "dashboard-v2"
    API = "api"
    KITARU_PYTHON = "kitaru-python"
    KITARU_CLI = "kitaru-cli"
    KITARU_MCP = "kitaru-mcp"
    KITARU_API = "kitaru-api"
    KITARU_UI = "kitaru-ui"
    UNKNOWN = "unknown"


class EnvironmentType(StrEnum):
    BITBUCKET_CI = "bitbucket_ci"
    CIRCLE_CI = "circle_ci"
    COLAB = "colab"
    CONTAINER = "container"
    DOCKER = "docker"
    GENERIC_CI = "generic_ci"
    GITHUB_ACTION = "github_action"
    GITLAB_CI = "gitlab_ci"
    KUBERNETES = "kubernetes"
    NATIVE = "native"
    NOTEBOOK = "notebook"
    PAPERSPACE = "paperspace"
    WSL = "wsl"
    LIGHTNING_AI_STUDIO = "lightning_ai_studio"
    GITHUB_CODESPACES = "github_codespaces"
    VSCODE_REMOTE_CONTAINER = "vscode_remote_container"
    ZENML_CODESPACE = "zenml_codespace"


class ModelStages(StrEnum):
    NONE = "none"
    STAGING = "staging"
    PRODUCTION = "production"
    ARCHIVED = "archived"
    LATEST = "latest"


class ColorVariants(StrEnum):
    GREY = "grey"
    PURPLE = "purple"
    RED = "red"
    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    LIME = "lime"
    TEAL = "teal"
    TURQUOISE = "turquoise"
    MAGENTA = "magenta"
    BLUE = "blue"


class TaggableResourceTypes(StrEnum):
    ARTIFACT = "artifact"
    ARTIFACT_VERSION = "artifact_version"
    MODEL = "model"
    MODEL_VERSION = "model_version"
    PIPELINE = "pipeline"
    PIPELINE_RUN = "pipeline_run"
    RUN_TEMPLATE = "run_template"
    PIPELINE_SNAPSHOT = "pipeline_snapshot"
    DEPLOYMENT = "deployment"


class ResponseUpdateStrategy(StrEnum):
    ALLOW = "allow"
    IGNORE = "ignore"
    DENY = "deny"


class MetadataResourceTypes(StrEnum):
    PIPELINE_RUN = "pipeline_run"
    STEP_RUN = "step_run"
    ARTIFACT_VERSION = "artifact_version"
    MODEL_VERSION = "model_version"
    SCHEDULE = "schedule"
    WAIT_CONDITION = "wait_condition"


class VisualizationResourceTypes(StrEnum):
    DEPLOYMENT = "deployment"
    MODEL = "model"
    PIPELINE = "pipeline"
    PIPELINE_RUN = "pipeline_run"
    PIPELINE_SNAPSHOT = "pipeline_snapshot"
    PROJECT = "project"


class CuratedVisualizationSize(StrEnum):
    FULL_WIDTH = "full_width"
    HALF_WIDTH = "half_width"


class SecretResourceTypes(StrEnum):
    STACK = "stack"
    STACK_COMPONENT = "stack_component"


class DatabaseBackupStrategy(StrEnum):
    DISABLED = "disabled"
    IN_MEMORY = "in-memory"
    DUMP_FILE = "dump-file"
    DATABASE = "database"
    MYDUMPER = "mydumper"
    CUSTOM = "custom"


class SQLDatabaseAuthMode(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a name, not a secret
    AWS_RDS_IAM = "aws_rds_iam"


class OnboardingStep(StrEnum):
    DEVICE_VERIFIED = "device_verified"
    PROJECT_CREATED = "project_created"
    PIPELINE_RUN = "pipeline_run"
    STACK_WITH_REMOTE_ORCHESTRATOR_CREATED = "stack_with_remote_orchestrator_created"
    STACK_WITH_REMOTE_ARTIFACT_STORE_CREATED = "stack_with_remote_artifact_store_created"
    PIPELINE_RUN_WITH_REMOTE_ORCHESTRATOR = "pipeline_run_with_remote_orchestrator"
    PIPELINE_RUN_WITH_REMOTE_ARTIFACT_STORE = "pipeline_run_with_remote_artifact_store"
    PIPELINE_DEPLOYED = "pipeline_deployed"
    OSS_ONBOARDING_COMPLETED = "oss_onboarding_completed"
    PRO_ONBOARDING_COMPLETED = "pro_onboarding_completed"


class StackDeploymentProvider(StrEnum):
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"


class ServiceState(StrEnum):
    INACTIVE = "inactive"
    ACTIVE = "active"
    PENDING_STARTUP = "pending_startup"
    PENDING_SHUTDOWN = "pending_shutdown"
    ERROR = "error"
    SCALED_TO_ZERO = "scaled_to_zero"


class DeploymentStatus(StrEnum):
    UNKNOWN = "unknown"
    PENDING = "pending"
    RUNNING = "running"
    ABSENT = "absent"
    ERROR = "error"


class PipelineRunTriggeredByType(StrEnum):
    STEP_RUN = "step_run"
    DEPLOYMENT = "deployment"


class KubernetesServiceType(StrEnum):
    LOAD_BALANCER = "LoadBalancer"
    NODE_PORT = "NodePort"
    CLUSTER_IP = "ClusterIP"


class StepRuntime(StrEnum):
    INLINE = "inline"
    ISOLATED = "isolated"


class StepType(StrEnum):
    TOOL_CALL = "tool_call"
    LLM_CALL = "llm_call"
    MEMORY_CALL = "memory_call"


class GroupType(StrEnum):
    MANUAL = "manual"
    MAP = "map"


class ResourceRequestStatus(StrEnum):
    PENDING = "pending"
    ALLOCATED = "allocated"
    PREEMPTING = "preempting"
    PREEMPTED = "preempted"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    RELEASED = "released"
    EXPIRED = "expired"
    NO_MATCHING_POOL = "no_matching_pool"


class ResourcePoolScope(StrEnum):
    GLOBAL = "global"
    ORGANIZATION = "organization"
    WORKSPACE = "workspace"


class ResourceRequestRuntimeState(StrEnum):
    UNKNOWN = "unknown"
    PENDING = "pending"
    SUBMITTED = "submitted"
    RUNNING = "running"
    IDLE = "idle"


class ResourceRequestReclaimTolerance(StrEnum):
    NONE = "none"
    COORDINATED = "coordinated"
    ANY = "any"


class TriggerType(StrEnum):
    SCHEDULE = "schedule"
    PLATFORM_EVENT = "platform_event"
    WEBHOOK = "webhook"


class TriggerFlavor(StrEnum):
    NATIVE_SCHEDULE = "native schedule"
    PLATFORM_EVENT = "platform event"
    WEBHOOK = "webhook"


class TriggerRunConcurrency(StrEnum):
    SKIP = "skip"
    SUBMIT = "submit"


class ContainerEngineType(StrEnum):
    DOCKER = "docker"
    PODMAN = "podman"


class SourceType(StrEnum):
    PIPELINE = "pipeline"
    PIPELINE_RUN = "pipeline_run"
    PIPELINE_SNAPSHOT = "pipeline_snapshot"


class PipelineEvent(DescribedValuesEnum):
    RUN_COMPLETED = "run_completed"
    RUN_FAILED = "run_failed"

    @classmethod
    def _descriptions(cls) -> dict[str, str]:
        return {
            cls.RUN_COMPLETED.value: "A run of the pipeline finished successfully.",
            cls.RUN_FAILED.value: "A run of the pipeline failed.",
        }


class PipelineRunEvent(DescribedValuesEnum):
    COMPLETED = "completed"
    FAILED = "failed"

    @classmethod
    def _descriptions(cls) -> dict[str, str]:
        return {
            cls.COMPLETED.value: "The run finished successfully.",
            cls.FAILED.value: "The run failed.",
        }


class PipelineSnapshotEvent(DescribedValuesEnum):
    RUN_COMPLETED = "run_completed"
    RUN_FAILED = "run_failed"

    @classmethod
    def _descriptions(cls) -> dict[str, str]:
        return {
            cls.RUN_COMPLETED.value: "A run of the snapshot finished successfully.",
            cls.RUN_FAILED.value: "A run of the snapshot failed.",
        }


# ZenML calls it MetadataResourceTypes; stackwise code has long said MetadataResourceType.
MetadataResourceType = MetadataResourceTypes

_FINISHED = frozenset(
    {
        ExecutionStatus.FAILED,
        ExecutionStatus.COMPLETED,
        ExecutionStatus.CACHED,
        ExecutionStatus.SKIPPED,
        ExecutionStatus.RETRIED,
        ExecutionStatus.CANCELLED,
        ExecutionStatus.STOPPED,
    }
)
