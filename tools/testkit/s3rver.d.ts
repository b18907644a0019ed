/** The static credentials s3rver accepts. */
export declare const S3RVER_CREDENTIALS: { accessKeyId: string; secretAccessKey: string };
export interface RunningS3rver {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  directory: string;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}
/** Runs s3rver on 127.0.0.1 (a free port) with the given buckets, in `directory` or a new temporary one. */
export declare function startS3rver(opts?: { buckets?: string[]; directory?: string }): Promise<RunningS3rver>;
