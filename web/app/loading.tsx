import { Skeleton } from '@/components/states';

export default function Loading() {
  return <Skeleton rows={6} />;
}
