// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode StorageProxyClient}: the manager's client of the storage
 * proxy's manager API (upstream `StorageProxyHTTPClient` and
 * `StorageProxyManagerFacingClient`), every call on one request core.
 *
 * @module
 */

import { z, type ZodType } from "zod";
import { invalidOption } from "../../_options.ts";
import { currentRequestId, REQUEST_ID_HEADER } from "../../contexts/mod.ts";
import { parseDto } from "../../dto/parse.ts";
import {
  type BgtaskIdResponse,
  BgtaskIdResponseSchema,
  type CloneFolderRequest,
  CloneFolderRequestSchema,
  type CreateFolderRequest,
  CreateFolderRequestSchema,
  type DeleteFilesRequest,
  DeleteFilesRequestSchema,
  type DownloadFileRequest,
  DownloadFileRequestSchema,
  type FileRequest,
  FileRequestSchema,
  type FolderRequest,
  FolderRequestSchema,
  type FolderUsageResponse,
  FolderUsageResponseSchema,
  type FsUsageResponse,
  FsUsageResponseSchema,
  type GetVolumesResponse,
  GetVolumesResponseSchema,
  type ListFilesResponse,
  ListFilesResponseSchema,
  type MkdirRequest,
  MkdirRequestSchema,
  type MkdirResponse,
  MkdirResponseSchema,
  type MountPathRequest,
  MountPathRequestSchema,
  type MountPathResponse,
  MountPathResponseSchema,
  type MoveFileRequest,
  MoveFileRequestSchema,
  type PerformanceMetricResponse,
  PerformanceMetricResponseSchema,
  type QuotaScopeRequest,
  QuotaScopeRequestSchema,
  type QuotaScopeResponse,
  QuotaScopeResponseSchema,
  type RenameFileRequest,
  RenameFileRequestSchema,
  type SessionTokenResponse,
  SessionTokenResponseSchema,
  type UpdateQuotaScopeRequest,
  UpdateQuotaScopeRequestSchema,
  type UploadFileRequest,
  UploadFileRequestSchema,
  type UsedBytesResponse,
  UsedBytesResponseSchema,
  VolumeRequestSchema,
} from "../../dto/storage_proxy.ts";
import type { HttpClientPool } from "../http/pool.ts";
import { HttpSession } from "../http/session.ts";
import { fetchTransport } from "../http/transport.ts";
import {
  errorFromFailure,
  errorFromResponse,
} from "./_errors_from_response.ts";
import { UnexpectedStorageProxyResponseError } from "./errors.ts";
import {
  type CreateFolderParams,
  STORAGE_PROXY_AUTH_HEADER,
  STORAGE_PROXY_CONNECT_TIMEOUT_MS,
  STORAGE_PROXY_POOL_DOMAIN,
  STORAGE_PROXY_TIMEOUT_MS,
  type StorageProxyCallOptions,
  type StorageProxyClientOptions,
  type StorageProxyRequestOptions,
} from "./options.ts";

/**
 * The manager's client of the storage proxy's manager API. Every call goes
 * through one core, {@linkcode StorageProxyClient.request}: it sends the
 * secret as `X-BackendAI-Storage-Auth-Token`, the current request id (from
 * `contexts`) as `X-BackendAI-RequestID`, the body as JSON (on `GET` too, as
 * the storage proxy reads it), and applies the timeouts (upstream's 300 s
 * total and 30 s connect by default). A 2xx answer gives its JSON (nothing
 * for 204 or an empty body); an error answer becomes a typed error routed by
 * the domain of its `error_code` (see `errors.ts`); an error answer that is
 * not JSON becomes a {@linkcode StorageProxyPassthroughError}; no answer is
 * a {@linkcode StorageProxyTimeoutError} or
 * {@linkcode StorageProxyConnectionError}. Arguments are checked against the
 * `dto` schemas before anything is sent, and answers after: a bad argument
 * raises `BackendAISchemaValidationFailed` naming the field, an answer of
 * the wrong shape an {@linkcode UnexpectedStorageProxyResponseError}.
 *
 * @example Against an in-process stand-in
 * ```ts
 * import { StorageProxyClient, VFolderBadRequest } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * await using client = new StorageProxyClient({
 *   endpoint: "http://storage-proxy.test:6021",
 *   secret: "s3cret",
 *   transport: async (request) => {
 *     if (request.headers.get("x-backendai-storage-auth-token") !== "s3cret") return new Response(null, { status: 403 });
 *     if (request.url.pathname === "/volumes") {
 *       return Response.json({ volumes: [{ name: "local", backend: "vfs", path: "/vfroot/local", fsprefix: ".", capabilities: ["vfolder"] }] });
 *     }
 *     return Response.json({ type: "https://api.backend.ai/probs/storage/invalid-api-params", title: "Invalid API parameters" }, { status: 400 });
 *   },
 * });
 * const { volumes } = await client.getVolumes();
 * assert.equal(volumes[0]?.name, "local");
 * await assert.rejects(client.getFolderUsage({ volume: "local", vfid: "user:u1/f1" }), VFolderBadRequest);
 * ```
 */
export class StorageProxyClient implements AsyncDisposable {
  /** The manager API's base URL. */
  readonly endpoint: URL;
  readonly #secret: string;
  readonly #timeoutMs: number | undefined;
  readonly #session: HttpSession | undefined;
  readonly #pool: HttpClientPool | undefined;

  /**
   * Makes a client.
   *
   * @param options The endpoint, secret, timeouts, and the transport or pool.
   */
  constructor(options: StorageProxyClientOptions) {
    if (typeof options.secret !== "string" || options.secret === "") {
      invalidOption(
        "storage proxy client",
        "secret",
        "(hidden)",
        "must be a non-empty string",
      );
    }
    this.#secret = options.secret;
    this.#timeoutMs = options.timeoutMs === null
      ? undefined
      : options.timeoutMs ?? STORAGE_PROXY_TIMEOUT_MS;
    const connectTimeoutMs = options.connectTimeoutMs === null
      ? undefined
      : options.connectTimeoutMs ?? STORAGE_PROXY_CONNECT_TIMEOUT_MS;
    // The session checks the endpoint and the timeout.
    const session = new HttpSession({
      endpoint: options.endpoint,
      timeoutMs: this.#timeoutMs,
      transport: options.transport ?? fetchTransport({ connectTimeoutMs }),
    });
    this.endpoint = session.endpoint;
    this.#pool = options.pool;
    if (this.#pool === undefined) this.#session = session;
    else void session.close();
  }

  #currentSession(): HttpSession {
    return this.#session ?? (this.#pool as HttpClientPool).load({
      endpoint: this.endpoint.href,
      domain: STORAGE_PROXY_POOL_DOMAIN,
    });
  }

  /**
   * Sends a call and gives the 2xx answer unread (upstream's
   * `request_stream_response`): the core of every other call.
   *
   * @param method The HTTP method.
   * @param path The path, relative to the endpoint (`folder/file/fetch`).
   * @param options The JSON body, query, signal and timeout.
   * @returns The 2xx response; read or cancel its body.
   * @throws {StorageProxyTimeoutError | StorageProxyConnectionError | StorageProxyPassthroughError | VFolderBadRequest | UnexpectedStorageProxyResponseError}
   */
  async requestStream(
    method: string,
    path: string,
    options: StorageProxyRequestOptions = {},
  ): Promise<Response> {
    const call = { method: method.toUpperCase(), path };
    const headers = new Headers({ [STORAGE_PROXY_AUTH_HEADER]: this.#secret });
    const requestId = currentRequestId();
    if (requestId !== undefined) headers.set(REQUEST_ID_HEADER, requestId);
    try {
      const response = await this.#currentSession().request(path, {
        method: call.method,
        headers,
        json: options.body,
        params: options.params,
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? this.#timeoutMs,
      });
      if (response.status >= 200 && response.status < 300) return response;
      throw await errorFromResponse(response, call);
    } catch (error) {
      throw errorFromFailure(error, call);
    }
  }

  /**
   * Sends a call and reads its JSON answer (upstream's `request`).
   *
   * @param method The HTTP method.
   * @param path The path, relative to the endpoint.
   * @param options The JSON body, query, signal and timeout.
   * @returns The answer's JSON, or `undefined` for 204 or an empty body.
   * @throws {UnexpectedStorageProxyResponseError} When a 2xx body is not JSON; and see {@linkcode StorageProxyClient.requestStream}.
   */
  async request(
    method: string,
    path: string,
    options: StorageProxyRequestOptions = {},
  ): Promise<unknown> {
    const call = { method: method.toUpperCase(), path };
    const response = await this.requestStream(method, path, options);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw errorFromFailure(error, call);
    }
    if (response.status === 204 || text === "") return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UnexpectedStorageProxyResponseError(
        "The storage proxy answered with a body that is not JSON",
        { data: { ...call, status: response.status }, cause: error },
      );
    }
  }

  async #call<T>(
    method: string,
    path: string,
    body: unknown,
    schema: ZodType<T, unknown>,
    options: StorageProxyCallOptions,
  ): Promise<T> {
    const answer = await this.request(method, path, { ...options, body });
    if (answer === undefined) {
      throw new UnexpectedStorageProxyResponseError(
        "Unexpected response from storage proxy: None",
        { data: { method, path } },
      );
    }
    try {
      return parseDto(schema, answer, `answer of ${method} /${path}`);
    } catch (error) {
      throw new UnexpectedStorageProxyResponseError(
        "The storage proxy's answer does not have the expected shape",
        { data: { method, path }, cause: error },
      );
    }
  }

  /**
   * Lists the volumes (`GET /volumes`).
   *
   * @param options The signal and timeout.
   * @returns The volumes.
   */
  async getVolumes(
    options: StorageProxyCallOptions = {},
  ): Promise<GetVolumesResponse> {
    return await this.#call(
      "GET",
      "volumes",
      undefined,
      GetVolumesResponseSchema,
      options,
    );
  }

  /**
   * A volume's hardware information (`GET /volume/hwinfo`).
   *
   * @param volume The volume name.
   * @param options The signal and timeout.
   * @returns What the backend reports (`status`, `status_info`, `metadata`).
   */
  async getVolumeHwinfo(
    volume: string,
    options: StorageProxyCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const body = parseDto(VolumeRequestSchema, { volume }, "VolumeRequest");
    return await this.#call("GET", "volume/hwinfo", body, anyObject, options);
  }

  /**
   * A volume's performance metric (`GET /volume/performance-metric`).
   *
   * @param volume The volume name.
   * @param options The signal and timeout.
   * @returns The metric and when it was observed.
   */
  async getVolumePerformanceMetric(
    volume: string,
    options: StorageProxyCallOptions = {},
  ): Promise<PerformanceMetricResponse> {
    const body = parseDto(VolumeRequestSchema, { volume }, "VolumeRequest");
    return await this.#call(
      "GET",
      "volume/performance-metric",
      body,
      PerformanceMetricResponseSchema,
      options,
    );
  }

  /**
   * A volume's capacity and usage (`GET /folder/fs-usage`).
   *
   * @param volume The volume name.
   * @param options The signal and timeout.
   * @returns Capacity and used bytes.
   */
  async getFsUsage(
    volume: string,
    options: StorageProxyCallOptions = {},
  ): Promise<FsUsageResponse> {
    const body = parseDto(VolumeRequestSchema, { volume }, "VolumeRequest");
    return await this.#call(
      "GET",
      "folder/fs-usage",
      body,
      FsUsageResponseSchema,
      options,
    );
  }

  /**
   * Makes a folder (`POST /folder/create`); the storage proxy makes its
   * quota scope too when configured to, sized `maxQuotaScopeSize`.
   *
   * @param params The volume, folder id, quota scope size and mode.
   * @param options The signal and timeout.
   */
  async createFolder(
    params: CreateFolderParams,
    options: StorageProxyCallOptions = {},
  ): Promise<void> {
    const wire: CreateFolderRequest = {
      volume: params.volume,
      vfid: params.vfid,
      options: params.maxQuotaScopeSize !== undefined &&
          params.maxQuotaScopeSize > 0
        ? { initial_max_size_for_quota_scope: params.maxQuotaScopeSize }
        : {},
    };
    if (params.mode !== undefined) wire.mode = params.mode;
    const body = parseDto(
      CreateFolderRequestSchema,
      wire,
      "CreateFolderRequest",
    );
    await this.request("POST", "folder/create", { ...options, body });
  }

  /**
   * Deletes a folder (`POST /folder/delete`); the storage proxy deletes it
   * in a background task.
   *
   * @param params The volume and folder id.
   * @param options The signal and timeout.
   * @returns The background task, when the storage proxy names one.
   */
  async deleteFolder(
    params: FolderRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<BgtaskIdResponse | undefined> {
    const body = parseDto(FolderRequestSchema, params, "FolderRequest");
    const answer = await this.request("POST", "folder/delete", {
      ...options,
      body,
    });
    const parsed = BgtaskIdResponseSchema.safeParse(answer);
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * Clones a folder (`POST /folder/clone`) in a background task.
   *
   * @param params The source and destination volumes and folder ids.
   * @param options The signal and timeout.
   * @returns The background task.
   */
  async cloneFolder(
    params: CloneFolderRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<BgtaskIdResponse> {
    const body = parseDto(
      CloneFolderRequestSchema,
      params,
      "CloneFolderRequest",
    );
    return await this.#call(
      "POST",
      "folder/clone",
      body,
      BgtaskIdResponseSchema,
      options,
    );
  }

  /**
   * A folder's path on the storage host (`GET /folder/mount`).
   *
   * @param params The volume, folder id and subpath (`.` when absent).
   * @param options The signal and timeout.
   * @returns The path.
   */
  async getMountPath(
    params: FolderRequest & { subpath?: string | undefined },
    options: StorageProxyCallOptions = {},
  ): Promise<MountPathResponse> {
    const wire: MountPathRequest = {
      ...params,
      subpath: params.subpath ?? ".",
    };
    const body = parseDto(MountPathRequestSchema, wire, "MountPathRequest");
    return await this.#call(
      "GET",
      "folder/mount",
      body,
      MountPathResponseSchema,
      options,
    );
  }

  /**
   * A folder's file count and size (`GET /folder/usage`).
   *
   * @param params The volume and folder id.
   * @param options The signal and timeout.
   * @returns The file count and used bytes.
   */
  async getFolderUsage(
    params: FolderRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<FolderUsageResponse> {
    const body = parseDto(FolderRequestSchema, params, "FolderRequest");
    return await this.#call(
      "GET",
      "folder/usage",
      body,
      FolderUsageResponseSchema,
      options,
    );
  }

  /**
   * A folder's size (`GET /folder/used-bytes`).
   *
   * @param params The volume and folder id.
   * @param options The signal and timeout.
   * @returns The used bytes.
   */
  async getUsedBytes(
    params: FolderRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<UsedBytesResponse> {
    const body = parseDto(FolderRequestSchema, params, "FolderRequest");
    return await this.#call(
      "GET",
      "folder/used-bytes",
      body,
      UsedBytesResponseSchema,
      options,
    );
  }

  /**
   * A quota scope's usage and limit (`GET /quota-scope`).
   *
   * @param params The volume and quota scope id.
   * @param options The signal and timeout.
   * @returns Used and limit bytes.
   * @throws {QuotaScopeNotFoundError} When the scope does not exist.
   */
  async getQuotaScope(
    params: QuotaScopeRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<QuotaScopeResponse> {
    const body = parseDto(QuotaScopeRequestSchema, params, "QuotaScopeRequest");
    return await this.#call(
      "GET",
      "quota-scope",
      body,
      QuotaScopeResponseSchema,
      options,
    );
  }

  /**
   * Sets a quota scope's limit, making the scope when it has none
   * (`PATCH /quota-scope`).
   *
   * @param params The volume, quota scope id and `options.limit_bytes`.
   * @param options The signal and timeout.
   */
  async updateQuotaScope(
    params: UpdateQuotaScopeRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<void> {
    const body = parseDto(
      UpdateQuotaScopeRequestSchema,
      params,
      "UpdateQuotaScopeRequest",
    );
    await this.request("PATCH", "quota-scope", { ...options, body });
  }

  /**
   * Removes a quota scope's limit (`DELETE /quota-scope/quota`).
   *
   * @param params The volume and quota scope id.
   * @param options The signal and timeout.
   */
  async deleteQuotaScopeQuota(
    params: QuotaScopeRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<void> {
    const body = parseDto(QuotaScopeRequestSchema, params, "QuotaScopeRequest");
    await this.request("DELETE", "quota-scope/quota", { ...options, body });
  }

  /**
   * Makes directories in a folder (`POST /folder/file/mkdir`).
   *
   * @param params The volume, folder id, path(s), `exist_ok` and `parents`.
   * @param options The signal and timeout.
   * @returns Which paths were made and which failed.
   */
  async mkdir(
    params: MkdirRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<MkdirResponse> {
    const body = parseDto(MkdirRequestSchema, params, "MkdirRequest");
    return await this.#call(
      "POST",
      "folder/file/mkdir",
      body,
      MkdirResponseSchema,
      options,
    );
  }

  /**
   * Lists a directory of a folder (`POST /folder/file/list`).
   *
   * @param params The volume, folder id and path.
   * @param options The signal and timeout.
   * @returns The entries.
   */
  async listFiles(
    params: FileRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<ListFilesResponse> {
    const body = parseDto(FileRequestSchema, params, "FileRequest");
    return await this.#call(
      "POST",
      "folder/file/list",
      body,
      ListFilesResponseSchema,
      options,
    );
  }

  /**
   * Renames a file or directory (`POST /folder/file/rename`).
   *
   * @param params The volume, folder id, path and new name.
   * @param options The signal and timeout.
   */
  async renameFile(
    params: RenameFileRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<void> {
    const body = parseDto(RenameFileRequestSchema, params, "RenameFileRequest");
    await this.request("POST", "folder/file/rename", { ...options, body });
  }

  /**
   * Moves a file or directory (`POST /folder/file/move`).
   *
   * @param params The volume, folder id, source and destination paths.
   * @param options The signal and timeout.
   */
  async moveFile(
    params: MoveFileRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<void> {
    const body = parseDto(MoveFileRequestSchema, params, "MoveFileRequest");
    await this.request("POST", "folder/file/move", { ...options, body });
  }

  /**
   * Deletes files or directories (`POST /folder/file/delete`).
   *
   * @param params The volume, folder id, paths and `recursive`.
   * @param options The signal and timeout.
   * @returns The storage proxy's answer (`{ status: "ok" }`, or a background task).
   */
  async deleteFiles(
    params: DeleteFilesRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const body = parseDto(
      DeleteFilesRequestSchema,
      params,
      "DeleteFilesRequest",
    );
    return await this.#call(
      "POST",
      "folder/file/delete",
      body,
      anyObject,
      options,
    );
  }

  /**
   * Opens an upload session (`POST /folder/file/upload`).
   *
   * @param params The volume, folder id, path and size.
   * @param options The signal and timeout.
   * @returns The session token for the storage proxy's client API.
   */
  async uploadFile(
    params: UploadFileRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<SessionTokenResponse> {
    const body = parseDto(UploadFileRequestSchema, params, "UploadFileRequest");
    return await this.#call(
      "POST",
      "folder/file/upload",
      body,
      SessionTokenResponseSchema,
      options,
    );
  }

  /**
   * Opens a download session (`POST /folder/file/download`).
   *
   * @param params The volume, folder id, path, `archive` and `unmanaged_path`.
   * @param options The signal and timeout.
   * @returns The session token for the storage proxy's client API.
   */
  async downloadFile(
    params: DownloadFileRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<SessionTokenResponse> {
    const body = parseDto(
      DownloadFileRequestSchema,
      params,
      "DownloadFileRequest",
    );
    return await this.#call(
      "POST",
      "folder/file/download",
      body,
      SessionTokenResponseSchema,
      options,
    );
  }

  /**
   * Streams a file of a folder (`POST /folder/file/fetch`).
   *
   * @param params The volume, folder id and path.
   * @param options The signal and timeout (which covers the whole stream).
   * @returns The file's bytes as a stream; read it to the end or cancel it.
   */
  async fetchFile(
    params: FileRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const body = parseDto(FileRequestSchema, params, "FileRequest");
    const response = await this.requestStream("POST", "folder/file/fetch", {
      ...options,
      body,
    });
    return response.body ?? new ReadableStream({ start: (c) => c.close() });
  }

  /**
   * Reads a whole file of a folder (`POST /folder/file/fetch`).
   *
   * @param params The volume, folder id and path.
   * @param options The signal and timeout.
   * @returns The file's bytes.
   * @throws {UnexpectedStorageProxyResponseError} When the file is empty, as upstream.
   */
  async fetchFileContent(
    params: FileRequest,
    options: StorageProxyCallOptions = {},
  ): Promise<Uint8Array> {
    const call = { method: "POST", path: "folder/file/fetch" };
    const body = parseDto(FileRequestSchema, params, "FileRequest");
    const response = await this.requestStream(call.method, call.path, {
      ...options,
      body,
    });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw errorFromFailure(error, call);
    }
    if (bytes.byteLength === 0) {
      throw new UnexpectedStorageProxyResponseError(
        `No content received for ${params.volume}/${params.vfid}/${params.relpath}`,
        { data: { ...call, ...params } },
      );
    }
    return bytes;
  }

  /**
   * Closes the client's own session (calls in flight reject); a pooled
   * session is left to its pool. Idempotent.
   */
  async close(): Promise<void> {
    await this.#session?.close();
  }

  /** Same as {@linkcode StorageProxyClient.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

const anyObject: ZodType<Record<string, unknown>, unknown> = z.record(
  z.string(),
  z.unknown(),
);
