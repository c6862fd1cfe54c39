// the baseline for bench/synth.ts: aws-cdk-lib synthesizing one stack with one resource, nothing else
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';

const app = new App();
new sqs.Queue(new Stack(app, 'Bare'), 'Queue');
app.synth();
